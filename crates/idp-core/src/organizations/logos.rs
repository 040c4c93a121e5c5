//! Where logos are kept: in the database, as idp re-encoded them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::access::{Access, Actor};
use super::events::record;
use super::{logo, OrgError};
use crate::crypto::sha256_hex_bytes;
use crate::db::schema::organization_logos as ol;
use crate::db::DbConnection;
use crate::{now, Idp};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ol)]
pub struct StoredLogo {
    pub organization_id: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// A strong validator: the hash of the served bytes.
    pub etag: String,
    pub updated_at: NaiveDateTime,
}

pub(crate) fn exists(conn: &mut DbConnection, org_id: &str) -> QueryResult<bool> {
    let n: i64 = ol::table
        .filter(ol::organization_id.eq(org_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn load(conn: &mut DbConnection, org_id: &str) -> Result<StoredLogo, OrgError> {
    ol::table
        .find(org_id)
        .select(StoredLogo::as_select())
        .first(conn)
        .optional()?
        .ok_or(OrgError::NoLogo)
}

impl Idp {
    /// Checks and re-encodes `upload` (see [`logo::sanitize`]) before
    /// anything is stored; the bytes served later are never the uploaded ones.
    pub fn upload_logo(
        &self,
        actor: &Actor,
        org_id: &str,
        upload: &[u8],
    ) -> Result<StoredLogo, OrgError> {
        // Admin first: a non-member's upload is not even decoded.
        self.db
            .read(|conn| Access::require_admin(conn, actor, org_id))?;
        let clean = logo::sanitize(upload)?;
        let etag = format!("\"{}\"", &sha256_hex_bytes(&clean.bytes)[..32]);
        let now = now();
        self.db.write(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            diesel::delete(ol::table.find(org_id)).execute(conn)?;
            diesel::insert_into(ol::table)
                .values((
                    ol::organization_id.eq(org_id),
                    ol::content_type.eq(clean.content_type),
                    ol::bytes.eq(&clean.bytes),
                    ol::etag.eq(&etag),
                    ol::updated_at.eq(now),
                ))
                .execute(conn)?;
            let detail = format!("{}×{} {}", clean.width, clean.height, clean.content_type);
            record(conn, org_id, actor, "logo.uploaded", org_id, &detail)?;
            load(conn, org_id)
        })
    }

    pub fn organization_logo(&self, actor: &Actor, org_id: &str) -> Result<StoredLogo, OrgError> {
        self.db.read(|conn| {
            Access::require_member(conn, actor, org_id)?;
            load(conn, org_id)
        })
    }

    /// The logo of the organization an invitation link is for: the page
    /// that link opens shows it to someone who is no member yet.
    pub fn invitation_logo(&self, token: &str) -> Result<StoredLogo, OrgError> {
        let view = self.invitation_by_token(token)?;
        self.db.read(|conn| load(conn, &view.organization.id))
    }

    pub fn delete_logo(&self, actor: &Actor, org_id: &str) -> Result<(), OrgError> {
        self.db.write(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            if diesel::delete(ol::table.find(org_id)).execute(conn)? == 0 {
                return Err(OrgError::NoLogo);
            }
            record(conn, org_id, actor, "logo.deleted", org_id, "")?;
            Ok(())
        })
    }
}
