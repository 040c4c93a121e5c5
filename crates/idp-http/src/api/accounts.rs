//! Sign-up, verification and password reset over JSON.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::SignUp;
use idp_core::Idp;
use serde::Deserialize;

use super::{accepted, json, no_content};
use crate::blocking;
use crate::client::Client;
use crate::csrf::CsrfToken;
use crate::error::ApiError;
use crate::lang::Lang;

pub async fn csrf_token(token: CsrfToken) -> HttpResponse {
    json(&serde_json::json!({ "csrf_token": token.0, "header": crate::csrf::HEADER }))
}

pub async fn bot_challenge(idp: web::Data<Idp>) -> HttpResponse {
    let enabled = idp.bot_check_enabled();
    let challenge = idp.bot_challenge();
    json(&serde_json::json!({
        "enabled": enabled,
        "challenge": challenge.challenge,
        "difficulty": challenge.difficulty,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignUpBody {
    email: String,
    password: String,
    password_confirm: String,
    given_name: String,
    family_name: String,
    birthdate: String,
    #[serde(default)]
    marketing_opt_in: bool,
    #[serde(default)]
    bot_challenge: String,
    #[serde(default)]
    bot_solution: String,
}

pub async fn sign_up(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<SignUpBody>,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let form = SignUp {
        email: b.email,
        password: b.password,
        password_confirm: b.password_confirm,
        given_name: b.given_name,
        family_name: b.family_name,
        birthdate: b.birthdate,
        marketing_opt_in: b.marketing_opt_in,
        locale: lang.0.to_owned(),
        bot_challenge: b.bot_challenge,
        bot_solution: b.bot_solution,
        return_to: None,
        browser: crate::csrf::binding(&req),
    };
    blocking::run(move || idp.sign_up(&form).map_err(ApiError::from)).await?;
    Ok(accepted("check_email"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    pub token: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    token: String,
    /// The sign-up's password; needed when the link is followed in another
    /// browser than the one that signed up.
    password: Option<String>,
}

pub async fn verify_email(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<VerifyBody>,
) -> Result<HttpResponse, ApiError> {
    let browser = crate::csrf::binding(&req);
    blocking::run(move || {
        idp.verify_email(&body.token, &browser, body.password.as_deref())
            .map_err(ApiError::from)
    })
    .await?;
    Ok(no_content())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailBody {
    email: String,
}

pub async fn resend_verification(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<EmailBody>,
) -> Result<HttpResponse, ApiError> {
    let browser = crate::csrf::binding(&req);
    blocking::run(move || {
        idp.resend_verification(&body.email, &browser)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(accepted("check_email"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequestBody {
    email: String,
    #[serde(default)]
    bot_challenge: String,
    #[serde(default)]
    bot_solution: String,
}

pub async fn request_reset(
    idp: web::Data<Idp>,
    body: web::Json<ResetRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    blocking::run(move || {
        idp.request_password_reset(&b.email, &b.bot_challenge, &b.bot_solution)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(accepted("check_email"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    email: String,
    code: String,
}

pub async fn verify_reset_code(
    idp: web::Data<Idp>,
    body: web::Json<CodeBody>,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    let grant = blocking::run(move || {
        idp.verify_reset_code(&body.email, &body.code, &client.0)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(json(&serde_json::json!({ "reset_token": grant })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteResetBody {
    reset_token: String,
    password: String,
    password_confirm: String,
}

pub async fn complete_reset(
    idp: web::Data<Idp>,
    body: web::Json<CompleteResetBody>,
) -> Result<HttpResponse, ApiError> {
    blocking::run(move || {
        idp.complete_password_reset(&body.reset_token, &body.password, &body.password_confirm)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(no_content())
}
