//! Token introspection (RFC 7662) and revocation (RFC 7009).
//!
//! A client may look at and revoke the tokens issued to it; a resource
//! server registered with the `introspect` scope may introspect any token.
//! Either way `sub` is the subject of the token's own client (pairwise or
//! not), never the account id.

use crate::organizations::ORGANIZATIONS_SCOPE;
use diesel::prelude::*;
use serde_json::{json, Value};

use super::grants::{revoke_access_token, revoke_family};
use super::OAuthError;
use crate::clients::Client;
use crate::crypto::sha256_hex;
use crate::db::schema::refresh_tokens as rt;
use crate::{now, Idp};

/// The scope that lets a resource server introspect every token.
pub const INTROSPECT_SCOPE: &str = "introspect";

fn inactive() -> Value {
    json!({ "active": false })
}

struct RefreshInfo {
    family_id: String,
    client_id: String,
    account_id: String,
    scope: String,
    expires_at: chrono::NaiveDateTime,
    family_expires_at: chrono::NaiveDateTime,
    live: bool,
}

impl Idp {
    fn refresh_info(&self, token: &str) -> Result<Option<RefreshInfo>, OAuthError> {
        if token.is_empty() || token.len() > 128 {
            return Ok(None);
        }
        type Row = (
            String,
            String,
            String,
            String,
            chrono::NaiveDateTime,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
        );
        let row: Option<Row> = self.db.read(|conn| {
            rt::table
                .find(sha256_hex(token))
                .select((
                    rt::family_id,
                    rt::client_id,
                    rt::account_id,
                    rt::scope,
                    rt::expires_at,
                    rt::family_expires_at,
                    rt::used_at,
                    rt::revoked_at,
                ))
                .first(conn)
                .optional()
                .map_err(OAuthError::from)
        })?;
        let now = now();
        Ok(row.map(
            |(
                family_id,
                client_id,
                account_id,
                scope,
                expires_at,
                family_expires_at,
                used_at,
                revoked_at,
            )| {
                let live = used_at.is_none()
                    && revoked_at.is_none()
                    && expires_at > now
                    && family_expires_at > now;
                RefreshInfo {
                    family_id,
                    client_id,
                    account_id,
                    scope,
                    expires_at,
                    family_expires_at,
                    live,
                }
            },
        ))
    }

    /// RFC 7662: `{"active": false}` for anything unknown, expired, revoked,
    /// or not the asking client's business.
    pub fn introspect(&self, client: &Client, token: &str) -> Result<Value, OAuthError> {
        if client.is_public() {
            return Err(OAuthError::InvalidClient(
                "introspection needs a confidential client".into(),
            ));
        }
        let may_see_all = client.metadata.scopes.iter().any(|s| s == INTROSPECT_SCOPE);
        if let Some(claims) = self.verify_access_token(token)? {
            if claims.client_id != client.client_id && !may_see_all {
                return Ok(inactive());
            }
            let mut answer = json!({
                "active": true,
                "token_type": "Bearer",
                "scope": claims.scopes.to_string(),
                "client_id": claims.client_id,
                "sub": claims.sub,
                "exp": claims.exp,
                "iss": self.settings.issuer,
                "jti": claims.jti,
            });
            if let Some(account_id) = claims.account_id.as_deref() {
                if claims.scopes.contains(ORGANIZATIONS_SCOPE) {
                    answer[ORGANIZATIONS_SCOPE] = json!(self.organization_claims(account_id)?);
                }
            }
            return Ok(answer);
        }
        let info = match self.refresh_info(token)? {
            Some(info) if info.live && (info.client_id == client.client_id || may_see_all) => info,
            _ => return Ok(inactive()),
        };
        // The person as the token's own client knows them (pairwise or not),
        // whoever asks: what its access tokens say, too.
        let other_owner = match info.client_id == client.client_id {
            true => None,
            false => match self.client(&info.client_id)? {
                Some(owner) => Some(owner),
                None => return Ok(inactive()),
            },
        };
        let owner = other_owner.as_ref().unwrap_or(client);
        let mut answer = json!({
            "active": true,
            "token_type": "refresh_token",
            "scope": info.scope,
            "client_id": info.client_id,
            "sub": self.subject_for(owner, &info.account_id),
            "exp": info.expires_at.min(info.family_expires_at).and_utc().timestamp(),
            "iss": self.settings.issuer,
        });
        if info.scope.split(' ').any(|s| s == ORGANIZATIONS_SCOPE) {
            answer[ORGANIZATIONS_SCOPE] = json!(self.organization_claims(&info.account_id)?);
        }
        Ok(answer)
    }

    /// RFC 7009: revoking a refresh token ends its family and their access
    /// tokens; revoking an access token denies it until it expires. Unknown
    /// tokens and other clients' tokens are ignored (the answer is the same).
    pub fn revoke(&self, client: &Client, token: &str) -> Result<(), OAuthError> {
        let now = now();
        if let Some(claims) = self.verify_access_token(token)? {
            if claims.client_id == client.client_id {
                let expires_at = chrono::DateTime::from_timestamp(claims.exp, 0)
                    .map(|t| t.naive_utc())
                    .unwrap_or(now);
                self.db.write(|conn| {
                    revoke_access_token(conn, &claims.jti, expires_at).map_err(OAuthError::from)
                })?;
            }
            return Ok(());
        }
        if let Some(info) = self.refresh_info(token)? {
            if info.client_id == client.client_id {
                self.db.write(|conn| {
                    revoke_family(conn, &info.family_id, now).map_err(OAuthError::from)
                })?;
            }
        }
        Ok(())
    }
}
