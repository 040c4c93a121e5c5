//! Who may do what in an organization. Every entry point asks here.
//!
//! - A direct membership in an organization or in any of its ancestors
//!   makes a person a member of it: they read it, its branches and members.
//! - Admin rights flow down: an admin of an organization is an admin of
//!   every branch below it. A branch's own admins have no rights above it.
//! - Everyone else learns nothing: [`OrgError::NotFound`], exactly as for an
//!   id that does not exist.

use diesel::prelude::*;

use super::tree::Organization;
use super::OrgError;
use crate::accounts::Account;
use crate::db::schema::organization_members as om;
use crate::db::DbConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, OrgError> {
        match raw {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            _ => Err(OrgError::Invalid("role must be admin or member")),
        }
    }

    /// A stored role (written by [`Role::as_str`]).
    pub(crate) fn stored(raw: &str) -> Self {
        if raw == "admin" {
            Role::Admin
        } else {
            Role::Member
        }
    }
}

/// The person acting, and from where (for the audit trail).
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: String,
    pub email: String,
    pub email_verified: bool,
    pub client_ip: Option<String>,
}

impl Actor {
    pub fn new(account: &Account, client_ip: Option<String>) -> Self {
        Self {
            account_id: account.id.clone(),
            email: account.email.clone(),
            email_verified: account.email_verified,
            client_ip,
        }
    }
}

/// An organization as one person may see it.
#[derive(Debug, Clone)]
pub struct Access {
    pub organization: Organization,
    /// The effective role (inherited admin included).
    pub role: Role,
    /// The person's own membership in this very organization, if any.
    pub direct: Option<Role>,
}

impl Access {
    /// The effective role of `account_id` in `org_id`, or `None` when they
    /// have none (or the organization does not exist).
    pub(crate) fn of(
        conn: &mut DbConnection,
        account_id: &str,
        org_id: &str,
    ) -> Result<Option<Self>, OrgError> {
        let Some(org) = Organization::find(conn, org_id)? else {
            return Ok(None);
        };
        let lineage = org.lineage();
        let held: Vec<(String, String)> = om::table
            .filter(om::account_id.eq(account_id))
            .filter(om::organization_id.eq_any(&lineage))
            .select((om::organization_id, om::role))
            .load(conn)?;
        Ok(effective(&held, &org.id).map(|(role, direct)| Access {
            organization: org,
            role,
            direct,
        }))
    }

    pub(crate) fn require_member(
        conn: &mut DbConnection,
        actor: &Actor,
        org_id: &str,
    ) -> Result<Self, OrgError> {
        Self::of(conn, &actor.account_id, org_id)?.ok_or(OrgError::NotFound)
    }

    pub(crate) fn require_admin(
        conn: &mut DbConnection,
        actor: &Actor,
        org_id: &str,
    ) -> Result<Self, OrgError> {
        let access = Self::require_member(conn, actor, org_id)?;
        if access.role != Role::Admin {
            return Err(OrgError::AdminOnly);
        }
        Ok(access)
    }
}

/// The rule itself, on the memberships a person holds in an organization's
/// lineage (`(organization id, role)`): admin anywhere in it is admin here;
/// any membership in it is at least member.
fn effective(held: &[(String, String)], org_id: &str) -> Option<(Role, Option<Role>)> {
    if held.is_empty() {
        return None;
    }
    let role = if held.iter().any(|(_, r)| Role::stored(r) == Role::Admin) {
        Role::Admin
    } else {
        Role::Member
    };
    let direct = held
        .iter()
        .find(|(id, _)| id == org_id)
        .map(|(_, r)| Role::stored(r));
    Some((role, direct))
}

impl crate::Idp {
    /// The person an access token presented to the organizations API
    /// speaks for: a token issued to a person (not a client's own) with
    /// scope `organizations`, whose account still exists.
    pub fn organizations_caller(&self, token: &str) -> Result<Account, crate::oauth::AccessError> {
        use crate::oauth::AccessError;
        let claims = self
            .verify_access_token(token)?
            .ok_or(AccessError::InvalidToken)?;
        if !claims.scopes.contains(super::ORGANIZATIONS_SCOPE) {
            return Err(AccessError::InsufficientScope(
                "the access token lacks scope organizations",
            ));
        }
        let account_id = claims.account_id.ok_or(AccessError::InsufficientScope(
            "a client's own token speaks for no person; use a token issued to one",
        ))?;
        self.db
            .read(|conn| Account::find(conn, &account_id).map_err(crate::db::StoreError::from))?
            .ok_or(AccessError::InvalidToken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn admin_above_is_admin_here() {
        let (role, direct) = effective(&held(&[("top", "admin")]), "branch").unwrap();
        assert_eq!(role, Role::Admin);
        assert_eq!(direct, None);
    }

    #[test]
    fn member_here_with_admin_above_is_admin() {
        let (role, direct) =
            effective(&held(&[("top", "admin"), ("branch", "member")]), "branch").unwrap();
        assert_eq!((role, direct), (Role::Admin, Some(Role::Member)));
    }

    #[test]
    fn nothing_held_is_no_access() {
        assert!(effective(&[], "x").is_none());
    }

    #[test]
    fn roles_parse_strictly() {
        assert!(Role::parse("Admin").is_err());
        assert!(Role::parse("owner").is_err());
        assert_eq!(Role::parse("member").unwrap(), Role::Member);
    }
}
