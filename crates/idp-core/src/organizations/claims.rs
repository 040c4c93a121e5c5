//! The `organizations` claim apps read from ID tokens, userinfo and
//! introspection: every organization a person belongs to, with the
//! effective role, its parent and its ancestors.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde::Serialize;

use super::access::Role;
use super::tree::Organization;
use crate::db::schema::organization_members as om;
use crate::db::{DbConnection, StoreError};
use crate::Idp;

/// The scope that releases the claim (and authorizes the JSON API).
pub const ORGANIZATIONS_SCOPE: &str = "organizations";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OrganizationClaim {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub parent_id: Option<String>,
    /// Ancestor ids, top first.
    pub path: Vec<String>,
}

/// Direct memberships and everything below them, each with the effective
/// role: admin when any membership on its way up is admin.
pub(crate) fn organizations_of(
    conn: &mut DbConnection,
    account_id: &str,
) -> QueryResult<Vec<OrganizationClaim>> {
    let held: Vec<(String, String)> = om::table
        .filter(om::account_id.eq(account_id))
        .select((om::organization_id, om::role))
        .load(conn)?;
    if held.is_empty() {
        return Ok(Vec::new());
    }
    let roles: BTreeMap<String, Role> = held
        .iter()
        .map(|(id, r)| (id.clone(), Role::stored(r)))
        .collect();
    let ids: Vec<String> = roles.keys().cloned().collect();
    let mut found: BTreeMap<String, Organization> = BTreeMap::new();
    for org in Organization::find_many(conn, &ids)? {
        for below in org.descendants(conn)? {
            found.insert(below.id.clone(), below);
        }
        found.insert(org.id.clone(), org);
    }
    let mut out: Vec<OrganizationClaim> = found
        .into_values()
        .map(|org| {
            let admin = org
                .lineage()
                .iter()
                .any(|id| roles.get(id) == Some(&Role::Admin));
            OrganizationClaim {
                role: if admin { "admin" } else { "member" },
                path: org.ancestors(),
                id: org.id,
                name: org.name,
                parent_id: org.parent_id,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.path.len(), &a.name, &a.id).cmp(&(b.path.len(), &b.name, &b.id)));
    Ok(out)
}

impl Idp {
    pub fn organization_claims(
        &self,
        account_id: &str,
    ) -> Result<Vec<OrganizationClaim>, StoreError> {
        self.db
            .read(|conn| organizations_of(conn, account_id).map_err(StoreError::from))
    }
}
