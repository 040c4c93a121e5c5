//! Back-channel logout (OpenID Connect Back-Channel Logout 1.0): when a
//! sign-in session ends, every app that took part in it and registered a
//! `backchannel_logout_uri` receives a signed logout token, so the shop and
//! the forum sign the person out together.

use std::time::Duration as StdDuration;

use chrono::Duration;
use diesel::prelude::*;
use serde_json::json;

use crate::clients::Client;
use crate::crypto::random_token;
use crate::db::schema::session_clients as sc;
use crate::db::DbConnection;
use crate::keys::Alg;
use crate::{now, Idp};

const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// How long one app may take to answer.
const DELIVERY_TIMEOUT: StdDuration = StdDuration::from_secs(5);

/// One app to tell about one ended session.
#[derive(Debug, Clone)]
pub struct LogoutNotice {
    pub client_id: String,
    pub account_id: String,
    pub session_id: String,
}

/// Remembers that `client_id` took part in a session.
pub(crate) fn record_participant(
    conn: &mut DbConnection,
    session_id: &str,
    client_id: &str,
    account_id: &str,
) -> QueryResult<()> {
    // Two codes for one app in one session at once: the second finds the
    // first's row and leaves it.
    let row = (
        sc::session_id.eq(session_id),
        sc::client_id.eq(client_id),
        sc::account_id.eq(account_id),
    );
    crate::db::on_either_backend!(conn, |c| diesel::insert_into(sc::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// The apps of the sessions about to end; their records go with them.
pub(crate) fn take_participants(
    conn: &mut DbConnection,
    session_ids: &[String],
) -> QueryResult<Vec<LogoutNotice>> {
    if session_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String, String)> = sc::table
        .filter(sc::session_id.eq_any(session_ids))
        .select((sc::session_id, sc::client_id, sc::account_id))
        .load(conn)?;
    diesel::delete(sc::table.filter(sc::session_id.eq_any(session_ids))).execute(conn)?;
    Ok(rows
        .into_iter()
        .map(|(session_id, client_id, account_id)| LogoutNotice {
            client_id,
            account_id,
            session_id,
        })
        .collect())
}

impl Idp {
    /// Sends logout tokens in the background; failures are logged, never
    /// returned, because the session has ended whatever the apps answer.
    pub fn notify_logout(&self, notices: Vec<LogoutNotice>) {
        let mut deliveries = Vec::new();
        for notice in notices {
            let client: Option<Client> = match self.client(&notice.client_id) {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "back-channel logout: client lookup failed");
                    continue;
                }
            };
            let Some(client) = client.filter(|c| c.metadata.backchannel_logout_uri.is_some())
            else {
                continue;
            };
            let uri = client
                .metadata
                .backchannel_logout_uri
                .clone()
                .unwrap_or_default();
            deliveries.push((
                uri,
                notice.client_id.clone(),
                self.logout_token(&client, &notice),
            ));
        }
        if deliveries.is_empty() {
            return;
        }
        let allow_internal = self.settings.oauth.allow_internal_urls;
        let metrics = self.metrics.clone();
        std::thread::spawn(move || {
            for (uri, client_id, token) in deliveries {
                let http = match crate::outbound::client_for(&uri, allow_internal, DELIVERY_TIMEOUT)
                {
                    Ok(h) => h,
                    Err(e) => {
                        tracing::warn!(client_id, error = %e, "back-channel logout not sent");
                        metrics.backchannel_logout("refused_address");
                        continue;
                    }
                };
                let result = http
                    .post(&uri)
                    .form(&[("logout_token", token.as_str())])
                    .send();
                let outcome = match result {
                    Ok(r) if r.status().is_success() => {
                        tracing::info!(client_id, "back-channel logout delivered");
                        "delivered"
                    }
                    Ok(r) => {
                        tracing::warn!(
                            client_id,
                            status = r.status().as_u16(),
                            "back-channel logout refused"
                        );
                        "refused"
                    }
                    Err(e) => {
                        tracing::warn!(client_id, error = %e, "back-channel logout not delivered");
                        "unreachable"
                    }
                };
                metrics.backchannel_logout(outcome);
            }
        });
    }

    fn logout_token(&self, client: &Client, notice: &LogoutNotice) -> String {
        let now = now();
        let claims = json!({
            "iss": self.settings.issuer,
            "aud": client.client_id,
            "sub": self.subject_for(client, &notice.account_id),
            "sid": self.session_id_for(client, &notice.session_id),
            "iat": now.and_utc().timestamp(),
            "exp": (now + Duration::minutes(2)).and_utc().timestamp(),
            "jti": random_token(16),
            "events": { EVENT: {} },
        });
        self.signing.sign_jwt(Alg::RS256, "logout+jwt", &claims)
    }
}
