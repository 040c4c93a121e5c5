//! The audit trail of an organization: every change, who made it, to
//! whom, when and from which address. Written in the same transaction as
//! the change, so neither lands without the other.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::access::{Access, Actor};
use super::{OrgError, Page, PageRequest};
use crate::audit::{self, EventType};
use crate::db::schema::organization_events as ev;
use crate::db::DbConnection;
use crate::{now, Idp};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ev)]
pub struct Event {
    pub id: i64,
    pub organization_id: String,
    pub actor_id: Option<String>,
    pub actor_email: String,
    /// `member.invited`, `member.role_changed`, `logo.uploaded`, …
    pub action: String,
    /// What it acted on: an account id, an address, a domain, an id.
    pub target: String,
    pub detail: String,
    pub client_ip: Option<String>,
    pub at: NaiveDateTime,
}

pub(crate) fn record(
    conn: &mut DbConnection,
    org_id: &str,
    actor: &Actor,
    action: &str,
    target: &str,
    detail: &str,
) -> QueryResult<()> {
    record_by(
        conn,
        org_id,
        Some(&actor.account_id),
        &actor.email,
        actor.client_ip.as_deref(),
        action,
        target,
        detail,
    )
}

/// An event whose actor may be the operator (no account of theirs here).
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_by(
    conn: &mut DbConnection,
    org_id: &str,
    actor_id: Option<&str>,
    actor_email: &str,
    client_ip: Option<&str>,
    action: &str,
    target: &str,
    detail: &str,
) -> QueryResult<()> {
    diesel::insert_into(ev::table)
        .values((
            ev::organization_id.eq(org_id),
            ev::actor_id.eq(actor_id),
            ev::actor_email.eq(actor_email),
            ev::action.eq(action),
            ev::target.eq(target),
            ev::detail.eq(detail),
            ev::client_ip.eq(client_ip),
            ev::at.eq(now()),
        ))
        .execute(conn)?;
    // The operator's trail sees every organization's changes too.
    let mut event = audit::Event::new(EventType::OrganizationChanged)
        .detail("organization", org_id)
        .detail("action", action)
        .detail("target", target);
    event = match actor_id {
        Some(id) => event.actor(audit::Actor::Account(id.to_owned())),
        None => event,
    };
    audit::record(conn, &event)
}

impl Idp {
    /// Newest first; only the organization's admins read it.
    pub fn organization_events(
        &self,
        actor: &Actor,
        org_id: &str,
        page: PageRequest,
    ) -> Result<Page<Event>, OrgError> {
        self.db.read(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            let rows = ev::table
                .filter(ev::organization_id.eq(org_id))
                .order(ev::id.desc())
                .offset(page.offset)
                .limit(page.fetch())
                .select(Event::as_select())
                .load(conn)?;
            Ok(page.finish(rows))
        })
    }
}
