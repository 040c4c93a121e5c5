//! The token endpoint's grants: authorization code (with PKCE), refresh
//! token (rotated on every use; reuse revokes the family), client credentials.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::codes::{self, CodeRow};
use super::tokens::new_jti;
use super::{OAuthError, Scopes};
use crate::accounts::Account;
use crate::clients::{Client, GrantType};
use crate::crypto::{constant_time_eq, new_id, random_token, sha256_hex};
use crate::db::schema::{refresh_tokens as rt, revoked_access_tokens as rev};
use crate::db::DbConnection;
use crate::keys::Alg;
use crate::organizations::{OrganizationClaim, ORGANIZATIONS_SCOPE};
use crate::{now, Idp};

#[derive(Debug)]
pub enum TokenRequest {
    AuthorizationCode {
        code: String,
        redirect_uri: Option<String>,
        code_verifier: Option<String>,
    },
    RefreshToken {
        refresh_token: String,
        scope: Option<String>,
    },
    ClientCredentials {
        scope: Option<String>,
    },
}

impl TokenRequest {
    pub fn grant_type(&self) -> &'static str {
        match self {
            TokenRequest::AuthorizationCode { .. } => GrantType::AuthorizationCode.as_str(),
            TokenRequest::RefreshToken { .. } => GrantType::RefreshToken.as_str(),
            TokenRequest::ClientCredentials { .. } => GrantType::ClientCredentials.as_str(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The access token's id, kept to revoke it if its code is replayed.
    #[serde(skip)]
    pub jti: String,
}

fn grant(message: &str) -> OAuthError {
    OAuthError::InvalidGrant(message.into())
}

/// What a refresh token row carries forward.
#[derive(Queryable, Selectable)]
#[diesel(table_name = rt)]
struct RefreshRow {
    token_hash: String,
    family_id: String,
    client_id: String,
    account_id: String,
    session_id: String,
    scope: String,
    auth_time: NaiveDateTime,
    amr: String,
    expires_at: NaiveDateTime,
    family_expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

/// Where a new refresh token belongs.
struct Family<'a> {
    id: &'a str,
    expires_at: NaiveDateTime,
}

impl Idp {
    pub fn token(
        &self,
        client: &Client,
        request: TokenRequest,
    ) -> Result<TokenResponse, OAuthError> {
        let grant = request.grant_type();
        let issued = self.grant(client, request)?;
        let alg = Alg::parse(&self.settings.tokens.access_token_alg).unwrap_or(Alg::RS256);
        self.metrics.token_issued(grant, alg.as_str());
        Ok(issued)
    }

    fn grant(&self, client: &Client, request: TokenRequest) -> Result<TokenResponse, OAuthError> {
        match request {
            TokenRequest::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => self.redeem_code(
                client,
                &code,
                redirect_uri.as_deref(),
                code_verifier.as_deref(),
            ),
            TokenRequest::RefreshToken {
                refresh_token,
                scope,
            } => self.refresh(client, &refresh_token, scope.as_deref()),
            TokenRequest::ClientCredentials { scope } => {
                self.client_credentials(client, scope.as_deref())
            }
        }
    }

    /// One transaction: the code is found, checked, used and recorded with
    /// what it issues. A replayed code commits the revocation of what it
    /// issued before (RFC 6749 §4.1.2) and is then refused.
    fn redeem_code(
        &self,
        client: &Client,
        code: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.allows_grant(GrantType::AuthorizationCode) {
            return Err(OAuthError::UnauthorizedClient(
                "this client may not use authorization codes".into(),
            ));
        }
        let now = now();
        let issuance = self.db.write(|conn| {
            let row = codes::find(conn, code)?.ok_or_else(|| grant("the code is invalid"))?;
            if row.used_at.is_some() {
                revoke_issued(conn, &row)?;
                return Ok(Err(grant(
                    "the code was used already; its tokens are revoked",
                )));
            }
            check_code(&row, client, redirect_uri, verifier, now)?;
            let account = account_for_grant(conn, &row.account_id)?;
            let scopes = Scopes::parse(&row.scope).unwrap_or_default();
            let (jti, family_id) = (new_jti(), new_id());
            let family = issues_refresh(client, &scopes).then(|| Family {
                id: &family_id,
                expires_at: now + Duration::days(self.settings.tokens.refresh_token_absolute_days),
            });
            let issued_family = family.as_ref().map(|f| f.id);
            if !codes::redeem(conn, &row.code_hash, now, &jti, issued_family)? {
                return Err(grant("the code was used already"));
            }
            Ok(Ok(self.prepare(
                conn, client, account, scopes, &row, jti, family,
            )?))
        })??;
        Ok(self.sign(client, issuance))
    }

    /// One transaction: the token is found, checked, marked used and its
    /// successor stored. A rotated token that comes back commits the end of
    /// its family (someone holds a copy) and is then refused.
    fn refresh(
        &self,
        client: &Client,
        token: &str,
        scope: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.allows_grant(GrantType::RefreshToken) {
            return Err(OAuthError::UnauthorizedClient(
                "this client may not use refresh tokens".into(),
            ));
        }
        if token.is_empty() || token.len() > 128 {
            return Err(grant("the refresh token is invalid"));
        }
        let now = now();
        let issuance = self.db.write(|conn| {
            let row: RefreshRow = rt::table
                .find(sha256_hex(token))
                .select(RefreshRow::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| grant("the refresh token is invalid"))?;
            if row.client_id != client.client_id {
                return Err(grant("the refresh token was issued to another client"));
            }
            if row.revoked_at.is_some() {
                return Err(grant("the refresh token was revoked"));
            }
            if row.used_at.is_some() {
                revoke_family(conn, &row.family_id, now)?;
                return Ok(Err(grant(
                    "the refresh token was used already; every token of its family is revoked",
                )));
            }
            if row.expires_at <= now || row.family_expires_at <= now {
                return Err(grant("the refresh token has expired"));
            }
            let scopes = narrowed(&row.scope, scope)?;
            let account = account_for_grant(conn, &row.account_id)?;
            let n = diesel::update(
                rt::table
                    .find(&row.token_hash)
                    .filter(rt::used_at.is_null()),
            )
            .set(rt::used_at.eq(Some(now)))
            .execute(conn)?;
            if n != 1 {
                return Err(grant("the refresh token was used already"));
            }
            let family = Family {
                id: &row.family_id,
                expires_at: row.family_expires_at,
            };
            let origin = Origin {
                session_id: &row.session_id,
                auth_time: row.auth_time,
                amr: &row.amr,
                nonce: None,
            };
            let family = issues_refresh(client, &scopes).then_some(family);
            Ok(Ok(self.prepare(
                conn,
                client,
                account,
                scopes,
                origin,
                new_jti(),
                family,
            )?))
        })??;
        Ok(self.sign(client, issuance))
    }

    fn client_credentials(
        &self,
        client: &Client,
        scope: Option<&str>,
    ) -> Result<TokenResponse, OAuthError> {
        if !client.allows_grant(GrantType::ClientCredentials) {
            return Err(OAuthError::UnauthorizedClient(
                "this client may not use client_credentials".into(),
            ));
        }
        let allowed: Vec<&str> = client
            .metadata
            .scopes
            .iter()
            .map(String::as_str)
            .filter(|s| !super::is_person_scope(s))
            .collect();
        let scopes = match scope {
            Some(s) => {
                let asked = Scopes::parse(s)
                    .ok_or_else(|| OAuthError::InvalidScope("scope is malformed".into()))?;
                if let Some(bad) = asked.iter().find(|s| !allowed.contains(s)) {
                    return Err(OAuthError::InvalidScope(format!(
                        "this client may not ask for `{bad}`"
                    )));
                }
                asked
            }
            None => Scopes::parse(&allowed.join(" ")).unwrap_or_default(),
        };
        let access = self.access_token(client, &client.client_id, &scopes, None, new_jti());
        Ok(TokenResponse {
            access_token: access.token,
            token_type: "Bearer",
            expires_in: access.expires_in,
            scope: scopes.to_string(),
            refresh_token: None,
            id_token: None,
            jti: access.jti,
        })
    }

    /// What issuing writes and reads, inside the grant's transaction: the
    /// pairwise subject, the organizations claim, and a refresh token in
    /// `family` (see [`issues_refresh`]) with access token `jti`. Signing
    /// waits for [`Self::sign`], after the commit.
    #[allow(clippy::too_many_arguments)]
    fn prepare<'a>(
        &self,
        conn: &mut DbConnection,
        client: &Client,
        account: Account,
        scopes: Scopes,
        origin: impl Into<Origin<'a>>,
        jti: String,
        family: Option<Family<'_>>,
    ) -> Result<Issuance, OAuthError> {
        let origin = origin.into();
        let subject = self.record_subject(conn, client, &account.id)?;
        let organizations = match scopes.contains(ORGANIZATIONS_SCOPE) && scopes.contains("openid")
        {
            true => Some(crate::organizations::organizations_of(conn, &account.id)?),
            false => None,
        };
        let contact = match super::claims::needs_contact(&scopes) && scopes.contains("openid") {
            true => crate::accounts::contact_of(conn, &account.id)?,
            false => Default::default(),
        };
        let refresh_token = match family {
            Some(family) => {
                let token = random_token(32);
                let now = now();
                let idle = now + Duration::days(self.settings.tokens.refresh_token_idle_days);
                diesel::insert_into(rt::table)
                    .values((
                        rt::token_hash.eq(sha256_hex(&token)),
                        rt::family_id.eq(family.id),
                        rt::client_id.eq(&client.client_id),
                        rt::account_id.eq(&account.id),
                        rt::session_id.eq(origin.session_id),
                        rt::scope.eq(scopes.to_string()),
                        rt::nonce.eq(origin.nonce),
                        rt::auth_time.eq(origin.auth_time),
                        rt::amr.eq(origin.amr),
                        rt::created_at.eq(now),
                        rt::expires_at.eq(idle.min(family.expires_at)),
                        rt::family_expires_at.eq(family.expires_at),
                        rt::access_jti.eq(&jti),
                        rt::access_expires_at.eq(now + self.access_token_lifetime()),
                    ))
                    .execute(conn)?;
                Some(token)
            }
            None => None,
        };
        Ok(Issuance {
            subject,
            account,
            contact,
            scopes,
            session_id: origin.session_id.to_owned(),
            auth_time: origin.auth_time,
            amr: origin.amr.to_owned(),
            nonce: origin.nonce.map(str::to_owned),
            jti,
            organizations,
            refresh_token,
        })
    }

    /// The access token and, with `openid`, the ID token of a committed
    /// grant.
    fn sign(&self, client: &Client, issuance: Issuance) -> TokenResponse {
        let access = self.access_token(
            client,
            &issuance.subject,
            &issuance.scopes,
            Some(issuance.auth_time),
            issuance.jti,
        );
        let id_token = issuance.scopes.contains("openid").then(|| {
            self.id_token(
                client,
                &issuance.subject,
                &issuance.account,
                &issuance.contact,
                &issuance.scopes,
                &issuance.session_id,
                issuance.auth_time,
                &issuance.amr,
                issuance.nonce.as_deref(),
                &access.token,
                issuance.organizations.as_deref(),
            )
        });
        TokenResponse {
            access_token: access.token,
            token_type: "Bearer",
            expires_in: access.expires_in,
            scope: issuance.scopes.to_string(),
            refresh_token: issuance.refresh_token,
            id_token,
            jti: access.jti,
        }
    }
}

/// Whether a grant of `scopes` to `client` comes with a refresh token:
/// with `offline_access`, for clients allowed to refresh.
fn issues_refresh(client: &Client, scopes: &Scopes) -> bool {
    scopes.contains("offline_access") && client.allows_grant(GrantType::RefreshToken)
}

/// The sign-in a grant descends from.
struct Origin<'a> {
    session_id: &'a str,
    auth_time: NaiveDateTime,
    /// How the person signed in (`amr`, space-separated).
    amr: &'a str,
    nonce: Option<&'a str>,
}

impl<'a> From<&'a CodeRow> for Origin<'a> {
    fn from(row: &'a CodeRow) -> Self {
        Origin {
            session_id: &row.session_id,
            auth_time: row.auth_time,
            amr: &row.amr,
            nonce: row.nonce.as_deref(),
        }
    }
}

/// A grant decided and committed, not yet signed.
struct Issuance {
    subject: String,
    account: Account,
    /// Read only for the phone and address scopes.
    contact: crate::accounts::ContactDetails,
    scopes: Scopes,
    session_id: String,
    auth_time: NaiveDateTime,
    amr: String,
    nonce: Option<String>,
    jti: String,
    organizations: Option<Vec<OrganizationClaim>>,
    refresh_token: Option<String>,
}

/// Everything about the request that must match the code, before it is used.
fn check_code(
    row: &CodeRow,
    client: &Client,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), OAuthError> {
    if row.client_id != client.client_id {
        return Err(grant("the code was issued to another client"));
    }
    if row.expires_at <= now {
        return Err(grant("the code has expired"));
    }
    let Some(redirect_uri) = redirect_uri else {
        return Err(OAuthError::InvalidRequest(
            "redirect_uri is required: the same one as in the authorization request".into(),
        ));
    };
    if redirect_uri != row.redirect_uri {
        return Err(grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    match (&row.code_challenge, verifier) {
        (Some(challenge), Some(verifier)) => {
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if verifier.len() < 43
                || verifier.len() > 128
                || !constant_time_eq(&computed, challenge)
            {
                return Err(grant("code_verifier does not match the code_challenge"));
            }
            Ok(())
        }
        (Some(_), None) => Err(grant("code_verifier is required")),
        (None, Some(_)) => Err(grant("no code_challenge was sent for this code")),
        (None, None) => Ok(()),
    }
}

/// The scopes a refresh asks for: all that were granted, or fewer.
fn narrowed(granted: &str, asked: Option<&str>) -> Result<Scopes, OAuthError> {
    let granted = Scopes::parse(granted).unwrap_or_default();
    let Some(asked) = asked else {
        return Ok(granted);
    };
    let asked = Scopes::parse(asked)
        .ok_or_else(|| OAuthError::InvalidScope("scope is malformed".into()))?;
    if !asked.is_subset_of(&granted) {
        return Err(OAuthError::InvalidScope(
            "scope exceeds what was granted".into(),
        ));
    }
    Ok(asked)
}

fn account_for_grant(conn: &mut DbConnection, account_id: &str) -> Result<Account, OAuthError> {
    match Account::find(conn, account_id)? {
        None => Err(grant("the account no longer exists")),
        Some(a) if a.is_disabled() => Err(grant("the account is disabled")),
        Some(a) => Ok(a),
    }
}

/// Revokes every refresh token of a family and the access tokens issued with them.
pub(crate) fn revoke_family(
    conn: &mut DbConnection,
    family_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let issued: Vec<(String, NaiveDateTime)> = rt::table
        .filter(rt::family_id.eq(family_id))
        .filter(rt::access_expires_at.gt(now))
        .select((rt::access_jti, rt::access_expires_at))
        .load(conn)?;
    for (jti, expires_at) in issued {
        revoke_access_token(conn, &jti, expires_at)?;
    }
    diesel::update(
        rt::table
            .filter(rt::family_id.eq(family_id))
            .filter(rt::revoked_at.is_null()),
    )
    .set(rt::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// Denies an access token until it would have expired anyway.
pub(crate) fn revoke_access_token(
    conn: &mut DbConnection,
    jti: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    let row = (rev::jti.eq(jti), rev::expires_at.eq(expires_at));
    crate::db::on_either_backend!(conn, |c| diesel::insert_into(rev::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

fn revoke_issued(conn: &mut DbConnection, row: &CodeRow) -> Result<(), OAuthError> {
    let now = now();
    if let Some(family) = &row.issued_family {
        revoke_family(conn, family, now)?;
    }
    if let Some(jti) = row.issued_jti.as_deref().filter(|j| !j.is_empty()) {
        revoke_access_token(conn, jti, now + Duration::days(1))?;
    }
    Ok(())
}

/// Revokes every refresh token family of an account (its password changed:
/// whoever knew the old one must not keep access through an app).
pub(crate) fn revoke_account_grants(
    conn: &mut DbConnection,
    account_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let families: Vec<String> = rt::table
        .filter(rt::account_id.eq(account_id))
        .filter(rt::revoked_at.is_null())
        .select(rt::family_id)
        .distinct()
        .load(conn)?;
    for family in &families {
        revoke_family(conn, family, now)?;
    }
    Ok(families.len())
}

/// Deletes expired codes, refresh tokens and revocation entries (housekeeping).
pub(crate) fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    use crate::db::schema::{session_clients as sc, sessions, used_client_assertions as u};
    let assertions = diesel::delete(u::table.filter(u::expires_at.lt(now))).execute(conn)?;
    // Sessions that simply expired leave their participant records behind.
    let orphans: Vec<String> = sc::table
        .filter(diesel::dsl::not(
            sc::session_id.eq_any(sessions::table.select(sessions::id)),
        ))
        .select(sc::session_id)
        .load(conn)?;
    let participants =
        diesel::delete(sc::table.filter(sc::session_id.eq_any(&orphans))).execute(conn)?;
    let codes = codes::purge_expired(conn, now)?
        + super::pending::purge_expired(conn, now)?
        + assertions
        + participants;
    let refresh = diesel::delete(rt::table.filter(rt::family_expires_at.lt(now))).execute(conn)?;
    let revoked = diesel::delete(rev::table.filter(rev::expires_at.lt(now))).execute(conn)?;
    Ok(codes + refresh + revoked)
}
