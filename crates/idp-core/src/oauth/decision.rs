//! The authorization decision, made in one place for every way a browser
//! reaches it: the app's request (`/authorize`), the return after signing in,
//! and the consent form. Whether the session is fresh enough, who may have
//! which scope, and what needs consent are decided here; handlers only
//! render the [`AuthorizeOutcome`].

use chrono::{Duration, NaiveDateTime};

use super::authorize::{AuthorizationRequest, AuthorizeError, AuthorizeParams, Prompt};
use super::pending::{self, PendingRequest};
use super::{codes, consent, AccessError, AccessTokenClaims};
use crate::accounts::Account;
use crate::db::StoreError;
use crate::second_factor;
use crate::sessions::Session;
use crate::{now, Idp};

/// The scope of the admin API: only administrators get it for themselves.
pub const ADMIN_SCOPE: &str = "admin";

/// What the browser brings, as it sent it.
pub struct Browser<'a> {
    /// A value only this browser holds (its CSRF cookie): pending requests
    /// belong to the browser that made them.
    pub binding: &'a str,
    /// The session cookie's token, if any.
    pub session_token: Option<&'a str>,
}

/// Which way the browser came.
pub enum AuthorizeStep {
    /// An app's request (GET or POST `/authorize`).
    Start(Box<AuthorizeParams>),
    /// Back at a pending request after signing in.
    Resume(String),
    /// The person's answer on the consent page of a pending request.
    Consent { pending: String, allow: bool },
}

/// What goes back to the app's redirect URI.
#[derive(Debug, Clone)]
pub struct AuthorizationResponse {
    pub redirect_uri: String,
    pub response_mode: super::ResponseMode,
    /// `code` or `error` and `error_description`, then `state` and `iss`.
    pub params: Vec<(&'static str, String)>,
}

#[derive(Debug)]
pub enum AuthorizeOutcome {
    /// The request cannot go back to any app (unknown client or redirect
    /// URI, an expired or foreign pending request): tell the person.
    ErrorPage(String),
    /// Back to the app with an error.
    Reject(AuthorizationResponse),
    /// The person signs in first, then goes to `return_to`.
    SignIn {
        return_to: String,
        login_hint: Option<String>,
        ui_locales: Option<String>,
    },
    /// The app asked for a second factor (`acr_values`) the session has
    /// not proved: the person proves one (or sets one up), then goes to
    /// `return_to`. No password again: the session stays.
    SecondFactor { return_to: String },
    /// The app asked for a new account (`prompt=create`).
    SignUp { return_to: String },
    /// Ask the person; the form names only `pending`.
    AskConsent {
        pending: String,
        request: Box<AuthorizationRequest>,
        account: Box<Account>,
    },
    /// Back to the app with a code.
    Issue(AuthorizationResponse),
}

const STALE: &str = "This sign-in request has expired or was started in another browser. \
    Go back to the app and try again.";

/// Whether a person may have these scopes at all, whatever the app or the
/// consent form says: `admin` is for administrators.
pub fn scopes_allowed_for(account: &Account, scopes: &super::Scopes) -> bool {
    !scopes.contains(ADMIN_SCOPE) || account.is_admin
}

impl Idp {
    /// The admin API's caller check: a valid access token with scope
    /// `admin` and, when it is a person's, a person who is still an
    /// administrator. A client's own token (client credentials) was limited
    /// to what that client was granted when it was issued.
    pub fn check_admin_token(&self, token: &str) -> Result<AccessTokenClaims, AccessError> {
        let claims = self
            .verify_access_token(token)?
            .ok_or(AccessError::InvalidToken)?;
        if !claims.scopes.contains(ADMIN_SCOPE) {
            return Err(AccessError::InsufficientScope(
                "the access token lacks scope admin",
            ));
        }
        if let Some(account_id) = &claims.account_id {
            let account = self
                .db
                .read(|conn| Account::find(conn, account_id).map_err(StoreError::from))?;
            if !account.is_some_and(|a| a.is_admin) {
                return Err(AccessError::InsufficientScope(
                    "only administrators manage clients",
                ));
            }
        }
        Ok(claims)
    }
}

/// Whether the request makes the person sign in again (`prompt=login`, `max_age`).
fn forces_sign_in(request: &AuthorizationRequest) -> bool {
    request.has_prompt(Prompt::Login) || request.max_age.is_some()
}

/// Whether `session` may answer `request`. A forced sign-in counts only when
/// it happened after the app's request arrived, which only a pending request
/// (kept by the server, not named by the browser) can tell.
fn fresh_enough(
    request: &AuthorizationRequest,
    pending: Option<&PendingRequest>,
    session: &Session,
    now: NaiveDateTime,
) -> bool {
    let signed_in_for_it = pending.is_some_and(|p| session.auth_time >= p.created_at);
    if request.has_prompt(Prompt::Login) && !signed_in_for_it {
        return false;
    }
    match request.max_age {
        Some(max_age) => signed_in_for_it || now - session.auth_time <= Duration::seconds(max_age),
        None => true,
    }
}

/// Whether `session` proved what the app asked for (`acr_values`).
fn strong_enough(request: &AuthorizationRequest, session: &Session) -> bool {
    !second_factor::requests_multi_factor(request.acr_values.as_deref())
        || second_factor::is_multi_factor(&session.amr)
}

/// `/authorize` with the same parameters: a request with nothing pending.
fn replay_path(params: &AuthorizeParams) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(params) {
        for (name, value) in map {
            if let Some(v) = value.as_str() {
                query.append_pair(&name, v);
            }
        }
    }
    format!("/authorize?{}", query.finish())
}

fn resume_path(pending: &str, ui_locales: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("pending", pending);
    if let Some(locales) = ui_locales {
        query.append_pair("ui_locales", locales);
    }
    format!("/authorize/resume?{}", query.finish())
}

/// A pending request as found: its reference and what it holds.
type Found<'a> = (&'a str, &'a PendingRequest);

impl AuthorizeError {
    fn into_outcome(self, issuer: &str) -> Result<AuthorizeOutcome, StoreError> {
        match self {
            AuthorizeError::Page(message) => Ok(AuthorizeOutcome::ErrorPage(message)),
            AuthorizeError::Redirect {
                redirect_uri,
                response_mode,
                state,
                error,
                description,
            } => Ok(AuthorizeOutcome::Reject(response(
                redirect_uri,
                response_mode,
                vec![
                    ("error", error.to_owned()),
                    ("error_description", description),
                ],
                state,
                issuer,
            ))),
            AuthorizeError::Store(e) => Err(e),
        }
    }
}

fn response(
    redirect_uri: String,
    response_mode: super::ResponseMode,
    mut params: Vec<(&'static str, String)>,
    state: Option<String>,
    issuer: &str,
) -> AuthorizationResponse {
    if let Some(state) = state {
        params.push(("state", state));
    }
    // RFC 9207: the app learns which server answered.
    params.push(("iss", issuer.to_owned()));
    AuthorizationResponse {
        redirect_uri,
        response_mode,
        params,
    }
}

impl Idp {
    /// Decides what happens to an authorization request at this step.
    pub fn authorize(
        &self,
        step: AuthorizeStep,
        browser: &Browser<'_>,
    ) -> Result<AuthorizeOutcome, StoreError> {
        let now = now();
        let signed_in = match browser.session_token {
            Some(token) => self.session_by_token(token).map_err(|e| match e {
                crate::accounts::AccountError::Store(s) => s,
                other => StoreError::Corrupt(other.to_string()),
            })?,
            None => None,
        };
        let signed_in = signed_in.as_ref().map(|(s, a)| (s, a));
        let (raw, answer) = match step {
            AuthorizeStep::Start(params) => return self.start(*params, browser, signed_in, now),
            AuthorizeStep::Resume(raw) => (raw, None),
            AuthorizeStep::Consent { pending, allow } => (pending, Some(allow)),
        };
        let Some(pending) = self.pending(&raw, browser, now)? else {
            return Ok(AuthorizeOutcome::ErrorPage(STALE.into()));
        };
        let raw = Some(raw.as_str());
        let params = pending.params.clone();
        let pending = Some(pending);
        let request = match self.check_authorization(&params) {
            Ok(r) => r,
            Err(e) => {
                self.forget(raw)?;
                return e.into_outcome(&self.settings.issuer);
            }
        };
        let found = raw.zip(pending.as_ref());
        // An answer on the consent page counts only from the person it was
        // shown to, still signed in as freshly as the request demands.
        if let (Some(allow), Some((raw, p)), Some((session, account))) = (answer, found, signed_in)
        {
            let same_person = p.account_id.as_deref() == Some(account.id.as_str());
            if same_person
                && fresh_enough(&request, Some(p), session, now)
                && strong_enough(&request, session)
            {
                return self.answer(request, raw, session, account, allow);
            }
        }
        self.decide(request, &params, found, browser, signed_in, now)
    }

    /// An app's request, with nothing pending yet.
    fn start(
        &self,
        mut params: AuthorizeParams,
        browser: &Browser<'_>,
        signed_in: Option<(&Session, &Account)>,
        now: NaiveDateTime,
    ) -> Result<AuthorizeOutcome, StoreError> {
        let request = match self.check_authorization(&params) {
            Ok(r) => r,
            Err(e) => return e.into_outcome(&self.settings.issuer),
        };
        if request.has_prompt(Prompt::Create) {
            // Sign-up ends in an emailed link, perhaps in another browser:
            // the request starts afresh afterwards, without asking to create.
            params.prompt = None;
            return Ok(AuthorizeOutcome::SignUp {
                return_to: replay_path(&params),
            });
        }
        self.decide(request, &params, None, browser, signed_in, now)
    }

    fn pending(
        &self,
        raw: &str,
        browser: &Browser<'_>,
        now: NaiveDateTime,
    ) -> Result<Option<PendingRequest>, StoreError> {
        self.db
            .read(|conn| pending::find(conn, raw, browser.binding, now))
    }

    fn forget(&self, raw: Option<&str>) -> Result<(), StoreError> {
        if let Some(raw) = raw {
            self.db
                .write(|conn| pending::take(conn, raw).map_err(StoreError::from))?;
        }
        Ok(())
    }

    /// The rules, in order: signed in recently enough, allowed the scopes,
    /// consent given (or not needed); then a code.
    fn decide(
        &self,
        request: AuthorizationRequest,
        params: &AuthorizeParams,
        found: Option<Found<'_>>,
        browser: &Browser<'_>,
        signed_in: Option<(&Session, &Account)>,
        now: NaiveDateTime,
    ) -> Result<AuthorizeOutcome, StoreError> {
        let raw = found.map(|(raw, _)| raw);
        let fresh = signed_in.filter(|(s, _)| fresh_enough(&request, found.map(|f| f.1), s, now));
        let Some((session, account)) = fresh else {
            if request.has_prompt(Prompt::None) {
                return self.reject(
                    &request,
                    raw,
                    "login_required",
                    "the person is not signed in",
                );
            }
            return Ok(AuthorizeOutcome::SignIn {
                return_to: self.come_back(&request, params, raw, browser, now)?,
                login_hint: request.login_hint.clone(),
                ui_locales: request.ui_locales.clone(),
            });
        };
        if !strong_enough(&request, session) {
            if request.has_prompt(Prompt::None) {
                return self.reject(
                    &request,
                    raw,
                    "interaction_required",
                    "the app asked for a second factor the session has not proved",
                );
            }
            return Ok(AuthorizeOutcome::SecondFactor {
                return_to: self.come_back(&request, params, raw, browser, now)?,
            });
        }
        if !scopes_allowed_for(account, &request.scopes) {
            return self.reject(
                &request,
                raw,
                "access_denied",
                "scope admin is for administrators only",
            );
        }
        let needs_consent = !request.client.metadata.skip_consent
            && (request.has_prompt(Prompt::Consent)
                || !self.has_consent(&account.id, &request.client.client_id, &request.scopes)?);
        if !needs_consent {
            return self.issue_code(&request, raw, session, false);
        }
        if request.has_prompt(Prompt::None) {
            return self.reject(
                &request,
                raw,
                "consent_required",
                "the person has not allowed this app yet",
            );
        }
        let pending = self.db.write(|conn| match raw {
            Some(raw) => pending::show_consent_to(conn, raw, &account.id)
                .map(|_| raw.to_owned())
                .map_err(StoreError::from),
            None => pending::create(conn, browser.binding, params, Some(&account.id), now),
        })?;
        Ok(AuthorizeOutcome::AskConsent {
            pending,
            request: Box::new(request),
            account: Box::new(account.clone()),
        })
    }

    /// Where the browser comes back to after signing in. A forced sign-in
    /// must be proven newer than this request: keep it here. Otherwise any
    /// session will do, and the request is replayed.
    fn come_back(
        &self,
        request: &AuthorizationRequest,
        params: &AuthorizeParams,
        raw: Option<&str>,
        browser: &Browser<'_>,
        now: NaiveDateTime,
    ) -> Result<String, StoreError> {
        if !forces_sign_in(request) {
            return Ok(replay_path(params));
        }
        let pending = match raw {
            Some(raw) => raw.to_owned(),
            None => self
                .db
                .write(|conn| pending::create(conn, browser.binding, params, None, now))?,
        };
        Ok(resume_path(&pending, request.ui_locales.as_deref()))
    }

    /// The person pressed a button on the consent page.
    fn answer(
        &self,
        request: AuthorizationRequest,
        raw: &str,
        session: &Session,
        account: &Account,
        allow: bool,
    ) -> Result<AuthorizeOutcome, StoreError> {
        if !scopes_allowed_for(account, &request.scopes) {
            return self.reject(
                &request,
                Some(raw),
                "access_denied",
                "scope admin is for administrators only",
            );
        }
        if !allow {
            return self.reject(
                &request,
                Some(raw),
                "access_denied",
                "the person did not allow the app",
            );
        }
        self.issue_code(&request, Some(raw), session, true)
    }

    fn reject(
        &self,
        request: &AuthorizationRequest,
        raw: Option<&str>,
        error: &'static str,
        description: &str,
    ) -> Result<AuthorizeOutcome, StoreError> {
        self.forget(raw)?;
        request
            .error(error, description)
            .into_outcome(&self.settings.issuer)
    }

    /// Ends the pending request (once: a replayed form gets nothing),
    /// remembers consent when it was just given, and issues the code.
    fn issue_code(
        &self,
        request: &AuthorizationRequest,
        raw: Option<&str>,
        session: &Session,
        consented: bool,
    ) -> Result<AuthorizeOutcome, StoreError> {
        let now = now();
        let lifetime = Duration::seconds(self.settings.tokens.authorization_code_seconds);
        let code = self.db.write(|conn| {
            if let Some(raw) = raw {
                if !pending::take(conn, raw)? {
                    return Ok::<_, StoreError>(None);
                }
            }
            if consented {
                consent::remember(
                    conn,
                    &session.account_id,
                    &request.client.client_id,
                    &request.scopes,
                    now,
                )?;
            }
            Ok(Some(codes::insert(conn, request, session, lifetime, now)?))
        })?;
        let Some(code) = code else {
            return Ok(AuthorizeOutcome::ErrorPage(STALE.into()));
        };
        Ok(AuthorizeOutcome::Issue(response(
            request.redirect_uri.clone(),
            request.response_mode,
            vec![("code", code)],
            request.state.clone(),
            &self.settings.issuer,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_replayed_request_keeps_every_parameter_the_app_sent() {
        let params = AuthorizeParams {
            response_type: Some("code".into()),
            client_id: Some("shop".into()),
            scope: Some("openid email".into()),
            state: Some("a&b=c".into()),
            ..AuthorizeParams::default()
        };
        let path = replay_path(&params);
        let query = path.strip_prefix("/authorize?").unwrap();
        let back: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        assert!(back.contains(&("state".into(), "a&b=c".into())), "{back:?}");
        assert!(back.contains(&("scope".into(), "openid email".into())));
        assert_eq!(back.len(), 4);
    }
}
