//! Checking an authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1,
//! RFC 9700): an unknown client or redirect URI is shown on an error page,
//! never redirected to; every other problem goes back to the client.

use serde::{Deserialize, Serialize};

use super::Scopes;
use crate::clients::{Client, GrantType};
use crate::Idp;

/// The request's parameters as they arrive (query or form).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuthorizeParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_age: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ui_locales: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acr_values: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_uri: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    None,
    Login,
    Consent,
    SelectAccount,
    Create,
}

#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub client: Client,
    pub redirect_uri: String,
    pub response_mode: ResponseMode,
    pub scopes: Scopes,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Vec<Prompt>,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    pub ui_locales: Option<String>,
    /// What the app asked for (`second_factor::requests_multi_factor`).
    pub acr_values: Option<String>,
}

impl AuthorizationRequest {
    pub fn has_prompt(&self, prompt: Prompt) -> bool {
        self.prompt.contains(&prompt)
    }

    /// The error to send back to the client for this request.
    pub(crate) fn error(
        &self,
        error: &'static str,
        description: impl Into<String>,
    ) -> AuthorizeError {
        AuthorizeError::Redirect {
            redirect_uri: self.redirect_uri.clone(),
            response_mode: self.response_mode,
            state: self.state.clone(),
            error,
            description: description.into(),
        }
    }
}

/// Why a request cannot go on: shown on a page when the client or its
/// redirect URI cannot be trusted, otherwise sent back to the client.
#[derive(Debug)]
pub(crate) enum AuthorizeError {
    Page(String),
    Redirect {
        redirect_uri: String,
        response_mode: ResponseMode,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
    Store(crate::db::StoreError),
}

const MAX_PARAM: usize = 2048;

fn is_pkce_value(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
}

impl Idp {
    pub(crate) fn check_authorization(
        &self,
        p: &AuthorizeParams,
    ) -> Result<AuthorizationRequest, AuthorizeError> {
        let client_id = p.client_id.as_deref().ok_or_else(|| {
            AuthorizeError::Page("The request names no client (client_id).".into())
        })?;
        let client = self
            .client(client_id)
            .map_err(|e| match e {
                crate::clients::ClientError::Store(s) => AuthorizeError::Store(s),
                other => AuthorizeError::Page(other.to_string()),
            })?
            .ok_or_else(|| {
                AuthorizeError::Page("The app that sent you here is not registered.".into())
            })?;
        let redirect_uri = p
            .redirect_uri
            .clone()
            .ok_or_else(|| AuthorizeError::Page("The request names no redirect_uri.".into()))?;
        if !client.has_redirect_uri(&redirect_uri) {
            return Err(AuthorizeError::Page(
                "The redirect_uri is not registered for this app.".into(),
            ));
        }
        let response_mode = match p.response_mode.as_deref() {
            None | Some("query") => ResponseMode::Query,
            Some("fragment") => ResponseMode::Fragment,
            Some("form_post") => ResponseMode::FormPost,
            Some(_) => ResponseMode::Query,
        };
        let state = p.state.clone().filter(|s| !s.is_empty());
        let mut request = AuthorizationRequest {
            client,
            redirect_uri,
            response_mode,
            scopes: Scopes::default(),
            state,
            nonce: None,
            code_challenge: None,
            prompt: Vec::new(),
            max_age: None,
            login_hint: None,
            ui_locales: p.ui_locales.clone(),
            acr_values: p.acr_values.clone(),
        };
        let fail = |r: &AuthorizationRequest, e: &'static str, d: &str| Err(r.error(e, d));
        if !matches!(
            p.response_mode.as_deref(),
            None | Some("query" | "fragment" | "form_post")
        ) {
            return fail(
                &request,
                "invalid_request",
                "response_mode must be query, fragment or form_post",
            );
        }
        if p.request.is_some() {
            return fail(
                &request,
                "request_not_supported",
                "request objects are not supported",
            );
        }
        if p.request_uri.is_some() {
            return fail(
                &request,
                "request_uri_not_supported",
                "request_uri is not supported",
            );
        }
        let too_long = [
            &p.state,
            &p.nonce,
            &p.scope,
            &p.login_hint,
            &p.prompt,
            &p.ui_locales,
            &p.acr_values,
        ]
        .iter()
        .any(|v| v.as_ref().is_some_and(|v| v.len() > MAX_PARAM));
        if too_long {
            return fail(&request, "invalid_request", "a parameter is too long");
        }
        match p.response_type.as_deref() {
            Some("code") => {}
            None => return fail(&request, "invalid_request", "response_type is required"),
            Some(_) => {
                return fail(
                    &request,
                    "unsupported_response_type",
                    "only response_type=code is supported",
                )
            }
        }
        if !request.client.allows_grant(GrantType::AuthorizationCode) {
            return fail(
                &request,
                "unauthorized_client",
                "this client may not use the authorization code flow",
            );
        }
        let Some(scopes) = p.scope.as_deref().and_then(Scopes::parse) else {
            return fail(&request, "invalid_scope", "scope is malformed");
        };
        if scopes.is_empty() {
            return fail(&request, "invalid_scope", "scope is required");
        }
        if let Some(s) = scopes
            .iter()
            .find(|s| !request.client.metadata.scopes.iter().any(|a| a == s))
        {
            let description = format!("this client may not ask for scope `{s}`");
            return Err(request.error("invalid_scope", description));
        }
        request.scopes = scopes;
        match (
            p.code_challenge.as_deref(),
            p.code_challenge_method.as_deref(),
        ) {
            (Some(challenge), Some("S256")) if is_pkce_value(challenge) => {
                request.code_challenge = Some(challenge.to_owned());
            }
            (Some(_), Some("S256")) => {
                return fail(
                    &request,
                    "invalid_request",
                    "code_challenge must be 43-128 characters of [A-Za-z0-9-._~]",
                )
            }
            (Some(_), None | Some("plain")) => {
                return fail(
                    &request,
                    "invalid_request",
                    "only code_challenge_method=S256 is supported",
                )
            }
            (Some(_), Some(_)) | (None, Some(_)) => {
                return fail(
                    &request,
                    "invalid_request",
                    "code_challenge and code_challenge_method=S256 go together",
                )
            }
            (None, None) => {
                if request.client.is_public() || self.settings.oauth.require_pkce {
                    return fail(
                        &request,
                        "invalid_request",
                        "PKCE is required: send code_challenge with code_challenge_method=S256",
                    );
                }
            }
        }
        request.nonce = p.nonce.clone().filter(|n| !n.is_empty());
        if let Some(prompt) = &p.prompt {
            for value in prompt.split(' ').filter(|v| !v.is_empty()) {
                request.prompt.push(match value {
                    "none" => Prompt::None,
                    "login" => Prompt::Login,
                    "consent" => Prompt::Consent,
                    "select_account" => Prompt::SelectAccount,
                    "create" => Prompt::Create,
                    _ => return fail(&request, "invalid_request", "prompt has an unknown value"),
                });
            }
            if request.has_prompt(Prompt::None) && request.prompt.len() > 1 {
                return fail(
                    &request,
                    "invalid_request",
                    "prompt=none cannot be combined with other values",
                );
            }
        }
        if let Some(max_age) = &p.max_age {
            match max_age.parse::<i64>() {
                Ok(v) if v >= 0 => request.max_age = Some(v),
                _ => {
                    return fail(
                        &request,
                        "invalid_request",
                        "max_age must be a non-negative integer",
                    )
                }
            }
        }
        request.login_hint = p
            .login_hint
            .clone()
            .filter(|h| !h.is_empty() && h.len() <= 254);
        Ok(request)
    }
}
