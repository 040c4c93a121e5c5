//! Memberships: who belongs to an organization directly, and with which
//! role. The last direct admin of a top-level organization stays.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::access::{Access, Actor, Role};
use super::events::record;
use super::tree::Organization;
use super::{OrgError, Page, PageRequest};
use crate::db::schema::{accounts as a, organization_members as om};
use crate::db::DbConnection;
use crate::{now, Idp};

#[derive(Debug, Clone)]
pub struct Member {
    pub account_id: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    /// The direct role in this organization.
    pub role: Role,
    pub joined_at: NaiveDateTime,
}

fn direct_role(
    conn: &mut DbConnection,
    org_id: &str,
    account_id: &str,
) -> QueryResult<Option<Role>> {
    Ok(om::table
        .find((org_id, account_id))
        .select(om::role)
        .first::<String>(conn)
        .optional()?
        .map(|r| Role::stored(&r)))
}

/// Refuses to leave a top-level organization without a direct admin.
/// Counted under a lock, so two admins leaving at once cannot both go.
fn keep_an_admin(
    conn: &mut DbConnection,
    org: &Organization,
    account_id: &str,
) -> Result<(), OrgError> {
    if !org.is_top_level() {
        return Ok(());
    }
    crate::db::lock_key(conn, &format!("org-admins:{}", org.id))?;
    let others: i64 = om::table
        .filter(om::organization_id.eq(&org.id))
        .filter(om::role.eq(Role::Admin.as_str()))
        .filter(om::account_id.ne(account_id))
        .count()
        .get_result(conn)?;
    if others == 0 && direct_role(conn, &org.id, account_id)? == Some(Role::Admin) {
        return Err(OrgError::LastAdmin);
    }
    Ok(())
}

/// The name of a top-level organization whose only direct admin is
/// `account_id`, if any: such an account may not be deleted before someone
/// else is made admin (or the organization is deleted). Counted under the
/// same locks as leaving.
pub(crate) fn last_admin_of(
    conn: &mut DbConnection,
    account_id: &str,
) -> Result<Option<String>, crate::db::StoreError> {
    use crate::db::schema::organizations as o;
    let tops: Vec<(String, String)> = om::table
        .inner_join(o::table)
        .filter(om::account_id.eq(account_id))
        .filter(om::role.eq(Role::Admin.as_str()))
        .filter(o::parent_id.is_null())
        .select((o::id, o::name))
        .load(conn)?;
    for (id, name) in tops {
        crate::db::lock_key(conn, &format!("org-admins:{id}"))?;
        let others: i64 = om::table
            .filter(om::organization_id.eq(&id))
            .filter(om::role.eq(Role::Admin.as_str()))
            .filter(om::account_id.ne(account_id))
            .count()
            .get_result(conn)?;
        if others == 0 {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

/// Adds a direct membership (an accepted invitation, a first enterprise
/// sign-in). An existing one keeps the higher of the two roles.
pub(crate) fn join(
    conn: &mut DbConnection,
    org_id: &str,
    account_id: &str,
    role: Role,
) -> Result<(), OrgError> {
    match direct_role(conn, org_id, account_id)? {
        Some(Role::Admin) => {}
        Some(Role::Member) if role == Role::Member => {}
        Some(Role::Member) => {
            diesel::update(om::table.find((org_id, account_id)))
                .set(om::role.eq(role.as_str()))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(om::table)
                .values((
                    om::organization_id.eq(org_id),
                    om::account_id.eq(account_id),
                    om::role.eq(role.as_str()),
                    om::joined_at.eq(now()),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

impl Idp {
    pub fn list_members(
        &self,
        actor: &Actor,
        org_id: &str,
        page: PageRequest,
    ) -> Result<Page<Member>, OrgError> {
        self.db.read(|conn| {
            Access::require_member(conn, actor, org_id)?;
            let rows: Vec<(String, String, String, String, String, NaiveDateTime)> = om::table
                .inner_join(a::table)
                .filter(om::organization_id.eq(org_id))
                .order((a::email.asc(), a::id.asc()))
                .offset(page.offset)
                .limit(page.fetch())
                .select((
                    a::id,
                    a::email,
                    a::given_name,
                    a::family_name,
                    om::role,
                    om::joined_at,
                ))
                .load(conn)?;
            Ok(page.finish(
                rows.into_iter()
                    .map(|(id, email, given, family, role, joined)| Member {
                        account_id: id,
                        email,
                        given_name: given,
                        family_name: family,
                        role: Role::stored(&role),
                        joined_at: joined,
                    })
                    .collect(),
            ))
        })
    }

    pub fn update_member_role(
        &self,
        actor: &Actor,
        org_id: &str,
        account_id: &str,
        role: Role,
    ) -> Result<(), OrgError> {
        self.db.write(|conn| {
            let org = Access::require_admin(conn, actor, org_id)?.organization;
            let current = direct_role(conn, org_id, account_id)?.ok_or(OrgError::NoSuchMember)?;
            if current == role {
                return Ok(());
            }
            if role == Role::Member {
                keep_an_admin(conn, &org, account_id)?;
            }
            diesel::update(om::table.find((org_id, account_id)))
                .set(om::role.eq(role.as_str()))
                .execute(conn)?;
            let detail = format!("{} → {}", current.as_str(), role.as_str());
            record(
                conn,
                org_id,
                actor,
                "member.role_changed",
                account_id,
                &detail,
            )?;
            Ok(())
        })
    }

    pub fn remove_member(
        &self,
        actor: &Actor,
        org_id: &str,
        account_id: &str,
    ) -> Result<(), OrgError> {
        self.db.write(|conn| {
            let org = Access::require_admin(conn, actor, org_id)?.organization;
            direct_role(conn, org_id, account_id)?.ok_or(OrgError::NoSuchMember)?;
            keep_an_admin(conn, &org, account_id)?;
            diesel::delete(om::table.find((org_id, account_id))).execute(conn)?;
            record(conn, org_id, actor, "member.removed", account_id, "")?;
            Ok(())
        })
    }

    /// Ends the actor's own direct membership.
    pub fn leave_organization(&self, actor: &Actor, org_id: &str) -> Result<(), OrgError> {
        self.db.write(|conn| {
            let access = Access::require_member(conn, actor, org_id)?;
            if access.direct.is_none() {
                return Err(OrgError::Invalid(
                    "you belong to this organization through its parent; leave that one instead",
                ));
            }
            keep_an_admin(conn, &access.organization, &actor.account_id)?;
            diesel::delete(om::table.find((org_id, &actor.account_id))).execute(conn)?;
            record(conn, org_id, actor, "member.left", &actor.account_id, "")?;
            Ok(())
        })
    }

    /// The organizations the actor belongs to directly, by name.
    pub fn my_organizations(
        &self,
        actor: &Actor,
        page: PageRequest,
    ) -> Result<Page<Access>, OrgError> {
        use crate::db::schema::organizations as o;
        self.db.read(|conn| {
            let ids: Vec<String> = om::table
                .inner_join(o::table)
                .filter(om::account_id.eq(&actor.account_id))
                .order((o::name.asc(), o::id.asc()))
                .offset(page.offset)
                .limit(page.fetch())
                .select(om::organization_id)
                .load(conn)?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(access) = Access::of(conn, &actor.account_id, &id)? {
                    out.push(access);
                }
            }
            Ok(page.finish(out))
        })
    }
}
