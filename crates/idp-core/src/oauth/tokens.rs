//! The tokens idp signs: RFC 9068 access tokens and OpenID Connect ID tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256, Sha512};

use super::{claims::userinfo_claims, Scopes};
use crate::accounts::{Account, ContactDetails};
use crate::clients::Client;
use crate::crypto::random_token;
use crate::db::schema::{accounts, revoked_access_tokens as r};
use crate::db::StoreError;
use crate::keys::Alg;
use crate::organizations::{OrganizationClaim, ORGANIZATIONS_SCOPE};
use crate::second_factor;
use crate::{now, Idp};

/// An access token that verified: signature, type, issuer, expiry, not revoked.
#[derive(Debug, Clone)]
pub struct AccessTokenClaims {
    pub sub: String,
    /// The person the token is about; `None` for a client's own token
    /// (client credentials).
    pub account_id: Option<String>,
    pub client_id: String,
    pub scopes: Scopes,
    pub jti: String,
    pub exp: i64,
}

impl AccessTokenClaims {
    /// Who acts with this token on the admin surface.
    pub fn administrator(&self) -> crate::accounts::Administrator {
        match &self.account_id {
            Some(id) => crate::accounts::Administrator::Account(id.clone()),
            None => crate::accounts::Administrator::Client(self.client_id.clone()),
        }
    }
}

pub(crate) struct IssuedAccessToken {
    pub token: String,
    pub jti: String,
    pub expires_in: i64,
}

/// A new access token id: made before the token is signed, so that a grant
/// can record it in its transaction and sign after the commit.
pub(crate) fn new_jti() -> String {
    random_token(16)
}

fn unix(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp()
}

impl Idp {
    fn access_alg(&self) -> Alg {
        Alg::parse(&self.settings.tokens.access_token_alg).unwrap_or(Alg::RS256)
    }

    pub(crate) fn access_token_lifetime(&self) -> Duration {
        Duration::minutes(self.settings.tokens.access_token_minutes)
    }

    /// Signs access token `jti` (see [`new_jti`]); `sub` is the person, or
    /// the client itself for client credentials. Nothing is written to the
    /// database.
    pub(crate) fn access_token(
        &self,
        client: &Client,
        sub: &str,
        scopes: &Scopes,
        auth_time: Option<NaiveDateTime>,
        jti: String,
    ) -> IssuedAccessToken {
        let now = now();
        let lifetime = self.access_token_lifetime();
        let mut claims = json!({
            "iss": self.settings.issuer,
            "sub": sub,
            "aud": self.settings.issuer,
            "client_id": client.client_id,
            "scope": scopes.to_string(),
            "jti": jti,
            "iat": unix(now),
            "exp": unix(now + lifetime),
        });
        if let Some(t) = auth_time {
            claims["auth_time"] = json!(unix(t));
        }
        IssuedAccessToken {
            token: self.signing.sign_jwt(self.access_alg(), "at+jwt", &claims),
            jti,
            expires_in: lifetime.num_seconds(),
        }
    }

    /// Signs an ID token for `client` about `account`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn id_token(
        &self,
        client: &Client,
        subject: &str,
        account: &Account,
        contact: &ContactDetails,
        scopes: &Scopes,
        session_id: &str,
        auth_time: NaiveDateTime,
        amr: &str,
        nonce: Option<&str>,
        access_token: &str,
        organizations: Option<&[OrganizationClaim]>,
    ) -> String {
        let now = now();
        let alg = Alg::parse(&client.metadata.id_token_signed_response_alg).unwrap_or(Alg::RS256);
        let mut claims = json!({
            "iss": self.settings.issuer,
            "sub": subject,
            "aud": client.client_id,
            "azp": client.client_id,
            "iat": unix(now),
            "exp": unix(now + Duration::minutes(self.settings.tokens.id_token_minutes)),
            "auth_time": unix(auth_time),
            "sid": self.session_id_for(client, session_id),
            "acr": second_factor::acr_of(amr),
            "at_hash": at_hash(alg, access_token),
        });
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        // Not known for a sign-in through another provider: left out then.
        let methods = second_factor::amr_claim(amr);
        if !methods.is_empty() {
            claims["amr"] = json!(methods);
        }
        if let Some(orgs) = organizations {
            claims[ORGANIZATIONS_SCOPE] = json!(orgs);
        }
        if let Value::Object(map) = &mut claims {
            for (k, v) in userinfo_claims(subject, account, contact, scopes) {
                map.entry(k).or_insert(v);
            }
        }
        self.signing.sign_jwt(alg, "JWT", &claims)
    }

    /// Checks an access token presented to one of idp's own endpoints: signed
    /// by us, unexpired, not revoked, and its person's account usable.
    pub fn verify_access_token(
        &self,
        token: &str,
    ) -> Result<Option<AccessTokenClaims>, StoreError> {
        let Some(claims) = self.access_token_claims(token)? else {
            return Ok(None);
        };
        let not_revoked =
            diesel::dsl::not(diesel::dsl::exists(r::table.filter(r::jti.eq(&claims.jti))));
        let usable: i64 = self.db.read(|conn| {
            match claims.account_id.as_deref() {
                // A person's token dies with their account, or while it is
                // disabled; one query either way.
                Some(account_id) => accounts::table
                    .find(account_id)
                    .filter(accounts::disabled_at.is_null())
                    .filter(not_revoked)
                    .count()
                    .get_result(conn),
                None => diesel::select(not_revoked)
                    .get_result::<bool>(conn)
                    .map(i64::from),
            }
            .map_err(StoreError::from)
        })?;
        Ok((usable == 1).then_some(claims))
    }

    /// [`Self::verify_access_token`] for a token about a person, and that
    /// person's account, read in the same query as the revocation check: a
    /// revoked token, a client's own token and a deleted or disabled account
    /// all give `None`.
    pub(crate) fn verify_access_token_of_account(
        &self,
        token: &str,
    ) -> Result<Option<(AccessTokenClaims, Account)>, StoreError> {
        let Some(claims) = self.access_token_claims(token)? else {
            return Ok(None);
        };
        let Some(account_id) = claims.account_id.as_deref() else {
            return Ok(None);
        };
        let account = self.db.read(|conn| {
            accounts::table
                .find(account_id)
                .filter(accounts::disabled_at.is_null())
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    r::table.filter(r::jti.eq(&claims.jti)),
                )))
                .select(Account::as_select())
                .first(conn)
                .optional()
                .map_err(StoreError::from)
        })?;
        Ok(account.map(|a| (claims, a)))
    }

    /// What the token says, once its signature, type, issuer, expiry,
    /// client and subject check out; revocation is the caller's query.
    fn access_token_claims(&self, token: &str) -> Result<Option<AccessTokenClaims>, StoreError> {
        let Some((header, claims)) = self.signing.verify_jwt(token) else {
            return Ok(None);
        };
        let str_claim = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        let valid = header.get("typ").and_then(Value::as_str) == Some("at+jwt")
            && str_claim("iss").as_deref() == Some(self.settings.issuer.as_str());
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
        let (Some(sub), Some(client_id), Some(scope), Some(jti)) = (
            str_claim("sub"),
            str_claim("client_id"),
            str_claim("scope"),
            str_claim("jti"),
        ) else {
            return Ok(None);
        };
        if !valid || exp <= unix(now()) {
            return Ok(None);
        }
        let scopes = Scopes::parse(&scope).unwrap_or_default();
        // A deleted client's tokens die with it, and so do scopes it lost.
        let client = self.client(&client_id).map_err(|e| match e {
            crate::clients::ClientError::Store(s) => s,
            other => StoreError::Corrupt(other.to_string()),
        })?;
        let Some(client) = client.filter(|c| {
            scopes
                .iter()
                .all(|s| c.metadata.scopes.iter().any(|allowed| allowed == s))
        }) else {
            return Ok(None);
        };
        let account_id = if sub == client_id {
            None
        } else {
            match self.account_of_subject(&client, &sub)? {
                Some(id) => Some(id),
                None => return Ok(None),
            }
        };
        Ok(Some(AccessTokenClaims {
            sub,
            account_id,
            client_id,
            scopes,
            jti,
            exp,
        }))
    }
}

/// OIDC Core §3.1.3.6: the left half of the hash of the access token, with
/// the hash the signing algorithm uses (SHA-512 for Ed25519).
fn at_hash(alg: Alg, access_token: &str) -> String {
    let digest: Vec<u8> = match alg {
        Alg::EdDSA => Sha512::digest(access_token.as_bytes()).to_vec(),
        Alg::RS256 | Alg::ES256 => Sha256::digest(access_token.as_bytes()).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}
