//! The organization tree: companies and their branches, any depth.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::access::{Access, Actor, Role};
use super::events::record;
use super::{OrgError, Page, PageRequest};
use crate::db::schema::{organization_members as om, organizations as o};
use crate::db::DbConnection;
use crate::{now, Idp};

pub const MAX_NAME_CHARS: usize = 200;
/// Deep enough for any company; bounds the path every claim carries.
pub const MAX_DEPTH: usize = 16;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = o)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
    /// Ancestor ids, top first, space-separated; empty at the top.
    pub path: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Its members and its branches' members sign in with a second factor.
    pub require_second_factor: bool,
}

impl Organization {
    /// Ancestor ids, top first.
    pub fn ancestors(&self) -> Vec<String> {
        self.path.split_whitespace().map(str::to_owned).collect()
    }

    /// The organization and its ancestors, top first.
    pub fn lineage(&self) -> Vec<String> {
        let mut ids = self.ancestors();
        ids.push(self.id.clone());
        ids
    }

    /// The `path` its direct branches get.
    fn path_for_children(&self) -> String {
        self.lineage().join(" ")
    }

    pub fn is_top_level(&self) -> bool {
        self.parent_id.is_none()
    }

    /// The top-level organization this one belongs to.
    pub fn top_id(&self) -> &str {
        self.path.split_whitespace().next().unwrap_or(&self.id)
    }

    pub(crate) fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Self>> {
        o::table
            .find(id)
            .select(Self::as_select())
            .first(conn)
            .optional()
    }

    pub(crate) fn find_many(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<Self>> {
        o::table
            .filter(o::id.eq_any(ids))
            .select(Self::as_select())
            .load(conn)
    }

    /// Every organization below this one, at any depth.
    pub(crate) fn descendants(&self, conn: &mut DbConnection) -> QueryResult<Vec<Self>> {
        let own = self.path_for_children();
        // Ids are base64url, whose `_` is a LIKE wildcard.
        let escaped = own
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        o::table
            .filter(
                o::path
                    .eq(&own)
                    .or(o::path.like(format!("{escaped} %")).escape('\\')),
            )
            .select(Self::as_select())
            .load(conn)
    }
}

pub(crate) fn valid_name(raw: &str) -> Result<String, OrgError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(OrgError::Invalid("name is required"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(OrgError::Invalid("name is longer than 200 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(OrgError::Invalid("name contains control characters"));
    }
    Ok(name.to_owned())
}

impl Idp {
    /// A new top-level organization; its creator becomes its administrator.
    pub fn create_organization(&self, actor: &Actor, name: &str) -> Result<Access, OrgError> {
        let name = valid_name(name)?;
        if !actor.email_verified {
            return Err(OrgError::EmailUnverified);
        }
        self.db.write(|conn| {
            let org = insert(conn, &name, None)?;
            diesel::insert_into(om::table)
                .values((
                    om::organization_id.eq(&org.id),
                    om::account_id.eq(&actor.account_id),
                    om::role.eq(Role::Admin.as_str()),
                    om::joined_at.eq(org.created_at),
                ))
                .execute(conn)?;
            record(conn, &org.id, actor, "organization.created", &org.id, &name)?;
            Ok(Access {
                organization: org,
                role: Role::Admin,
                direct: Some(Role::Admin),
            })
        })
    }

    pub fn create_branch(
        &self,
        actor: &Actor,
        parent_id: &str,
        name: &str,
    ) -> Result<Organization, OrgError> {
        let name = valid_name(name)?;
        self.db.write(|conn| {
            let parent = Access::require_admin(conn, actor, parent_id)?.organization;
            if parent.lineage().len() >= MAX_DEPTH {
                return Err(OrgError::Invalid(
                    "branches may nest at most 16 levels deep",
                ));
            }
            let branch = insert(conn, &name, Some(&parent))?;
            record(conn, &parent.id, actor, "branch.created", &branch.id, &name)?;
            record(
                conn,
                &branch.id,
                actor,
                "organization.created",
                &branch.id,
                &name,
            )?;
            Ok(branch)
        })
    }

    /// Direct branches of an organization the actor belongs to.
    pub fn list_branches(
        &self,
        actor: &Actor,
        org_id: &str,
        page: PageRequest,
    ) -> Result<Page<Access>, OrgError> {
        self.db.read(|conn| {
            let org = Access::require_member(conn, actor, org_id)?.organization;
            let rows = o::table
                .filter(o::parent_id.eq(&org.id))
                .order((o::name.asc(), o::id.asc()))
                .offset(page.offset)
                .limit(page.fetch())
                .select(o::id)
                .load::<String>(conn)?;
            let mut out = Vec::with_capacity(rows.len());
            for id in rows {
                out.extend(Access::of(conn, &actor.account_id, &id)?);
            }
            Ok(page.finish(out))
        })
    }

    pub fn organization(&self, actor: &Actor, org_id: &str) -> Result<Access, OrgError> {
        self.db
            .read(|conn| Access::require_member(conn, actor, org_id))
    }

    pub fn rename_organization(
        &self,
        actor: &Actor,
        org_id: &str,
        name: &str,
    ) -> Result<Access, OrgError> {
        let name = valid_name(name)?;
        self.db.write(|conn| {
            let mut access = Access::require_admin(conn, actor, org_id)?;
            let now = now();
            diesel::update(o::table.find(org_id))
                .set((o::name.eq(&name), o::updated_at.eq(now)))
                .execute(conn)?;
            let detail = format!("{} → {}", access.organization.name, name);
            record(conn, org_id, actor, "organization.renamed", org_id, &detail)?;
            access.organization.name = name;
            access.organization.updated_at = now;
            Ok(access)
        })
    }

    /// Requires (or stops requiring) a second factor of the organization's
    /// members and of its branches' members, from their next sign-in.
    pub fn require_organization_second_factor(
        &self,
        actor: &Actor,
        org_id: &str,
        required: bool,
    ) -> Result<Access, OrgError> {
        self.db.write(|conn| {
            let mut access = Access::require_admin(conn, actor, org_id)?;
            let now = now();
            diesel::update(o::table.find(org_id))
                .set((o::require_second_factor.eq(required), o::updated_at.eq(now)))
                .execute(conn)?;
            let what = match required {
                true => "second_factor.required",
                false => "second_factor.optional",
            };
            record(conn, org_id, actor, what, org_id, "")?;
            access.organization.require_second_factor = required;
            access.organization.updated_at = now;
            Ok(access)
        })
    }

    /// Deletes the organization with all its branches, memberships,
    /// invitations, domains and its audit trail (the database cascades).
    /// A branch's deletion is recorded in its parent's trail.
    pub fn delete_organization(&self, actor: &Actor, org_id: &str) -> Result<(), OrgError> {
        self.db.write(|conn| {
            let org = Access::require_admin(conn, actor, org_id)?.organization;
            if let Some(parent) = &org.parent_id {
                record(conn, parent, actor, "branch.deleted", &org.id, &org.name)?;
            }
            // Deepest first: SQLite checks each cascade level on its own.
            let mut doomed = org.descendants(conn)?;
            doomed.sort_by_key(|d| std::cmp::Reverse(d.path.len()));
            for d in &doomed {
                diesel::delete(o::table.find(&d.id)).execute(conn)?;
            }
            diesel::delete(o::table.find(&org.id)).execute(conn)?;
            Ok::<_, OrgError>(())
        })?;
        tracing::info!(target: "organizations", organization = %org_id, "organization deleted");
        Ok(())
    }
}

fn insert(
    conn: &mut DbConnection,
    name: &str,
    parent: Option<&Organization>,
) -> Result<Organization, OrgError> {
    let now = now();
    let org = Organization {
        id: crate::crypto::new_id(),
        name: name.to_owned(),
        parent_id: parent.map(|p| p.id.clone()),
        path: parent
            .map(Organization::path_for_children)
            .unwrap_or_default(),
        created_at: now,
        updated_at: now,
        require_second_factor: false,
    };
    diesel::insert_into(o::table)
        .values((
            o::id.eq(&org.id),
            o::name.eq(&org.name),
            o::parent_id.eq(&org.parent_id),
            o::path.eq(&org.path),
            o::created_at.eq(now),
            o::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(org)
}
