//! Signing in and out over JSON, and the list of active sessions.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use idp_core::accounts::AccountError;
use idp_core::Idp;
use serde::{Deserialize, Serialize};

use super::profile::Profile;
use super::{json, no_content, require_user, rfc3339};
use crate::blocking;
use crate::client::Client;
use crate::error::ApiError;
use crate::signed_in::{removal_cookie, session_cookie};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInBody {
    email: String,
    password: String,
}

pub async fn sign_in(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<SignInBody>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    let core = idp.clone();
    let previous = crate::signed_in::session_token(&req, &idp);
    let (signed, profile) = blocking::run(move || {
        let signed = core.sign_in(&body.email, &body.password, &client.0, previous.as_deref())?;
        let contact = core.contact_details(&signed.account.id)?;
        let profile = Profile::of(&signed.account, contact);
        Ok::<_, ApiError>((signed, profile))
    })
    .await?;
    let awaiting = signed.session.session.awaiting_second_factor;
    let cookie = session_cookie(&idp, signed.session.token);
    if awaiting {
        // The cookie holds a session that signs nobody in until
        // `proveSecondFactor` finishes it.
        let mut response = ApiError::new(
            StatusCode::FORBIDDEN,
            "second_factor_required",
            "Enter a code from your authenticator app, or a recovery code (POST /api/v1/session/second-factor).",
        )
        .error_response();
        response.add_cookie(&cookie).map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_request", e.to_string())
        })?;
        return Ok(response);
    }
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .cookie(cookie)
        .json(profile))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorBody {
    otp: String,
}

/// Finishes a sign-in that awaits its second factor, or steps a session up.
pub async fn prove_second_factor(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<SecondFactorBody>,
) -> Result<HttpResponse, ApiError> {
    let token =
        crate::signed_in::session_token(&req, &idp).ok_or_else(ApiError::unauthenticated)?;
    let core = idp.clone();
    let (session, profile) = blocking::run(move || {
        let proved = match core.prove_second_factor(&token, &body.otp) {
            Err(AccountError::NotFound) => return Err(ApiError::unauthenticated()),
            other => other?,
        };
        let account = core.account(&proved.session.account_id)?;
        let contact = core.contact_details(&account.id)?;
        Ok::<_, ApiError>((proved, Profile::of(&account, contact)))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .cookie(session_cookie(&idp, session.token))
        .json(profile))
}

pub async fn sign_out(req: HttpRequest, idp: web::Data<Idp>) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let core = idp.clone();
    blocking::run(move || {
        core.end_session(&user.account.id, &user.session.id)
            .map_err(ApiError::from)
    })
    .await?;
    let mut response = no_content();
    let _ = response.add_cookie(&removal_cookie(&idp));
    Ok(response)
}

#[derive(Serialize)]
struct SessionView {
    id: String,
    created_at: String,
    last_seen_at: String,
    expires_at: String,
    user_agent: String,
    ip_address: String,
    current: bool,
}

pub async fn list(req: HttpRequest, idp: web::Data<Idp>) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let id = user.account.id.clone();
    let sessions = blocking::run(move || idp.list_sessions(&id).map_err(ApiError::from)).await?;
    let views: Vec<SessionView> = sessions
        .into_iter()
        .map(|s| SessionView {
            current: s.id == user.session.id,
            id: s.id,
            created_at: rfc3339(s.created_at),
            last_seen_at: rfc3339(s.last_seen_at),
            expires_at: rfc3339(s.expires_at),
            user_agent: s.user_agent,
            ip_address: s.ip_address,
        })
        .collect();
    Ok(json(&serde_json::json!({ "sessions": views })))
}

pub async fn end_one(
    req: HttpRequest,
    idp: web::Data<Idp>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let session_id = path.into_inner();
    blocking::run(move || {
        idp.end_session(&user.account.id, &session_id)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(no_content())
}

pub async fn end_all(req: HttpRequest, idp: web::Data<Idp>) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let core = idp.clone();
    blocking::run(move || {
        core.end_all_sessions(&user.account.id)
            .map_err(ApiError::from)
    })
    .await?;
    let mut response = no_content();
    let _ = response.add_cookie(&removal_cookie(&idp));
    Ok(response)
}
