//! Server-rendered pages. One file per page; each works without JavaScript
//! except the robot check.

mod account;
pub mod brand;
mod company;
mod email_confirm;
pub(crate) mod federation;
mod form;
mod invitation;
pub mod layout;
mod login;
mod logout;
mod passkeys;
mod password_forgot;
mod second_factor;
pub(crate) mod security;
mod signup;
mod static_files;
mod unsubscribe;
mod verify_email;

pub use federation::{buttons as federation_buttons, choices as federation_choices};
pub use form::Form;
pub use layout::{error_page, see_other};

use actix_web::{web, HttpRequest};
use federation::Proof;

use crate::csrf;
use crate::error::PageError;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(static_files::style)
        .service(static_files::botcheck)
        .service(static_files::form_post)
        .service(static_files::page)
        .service(static_files::passkeys)
        .route("/passkeys/add/start", web::post().to(passkeys::add_start))
        .route("/passkeys/add/finish", web::post().to(passkeys::add_finish))
        .route(
            "/passkeys/verify/start",
            web::post().to(passkeys::verify_start),
        )
        .route(
            "/passkeys/verify/finish",
            web::post().to(passkeys::verify_finish),
        )
        .route(
            "/passkeys/sign-in/start",
            web::post().to(passkeys::sign_in_start),
        )
        .route(
            "/passkeys/sign-in/finish",
            web::post().to(passkeys::sign_in_finish),
        )
        .route(
            "/account/security/passkeys/remove",
            web::post().to(security::passkey_remove),
        )
        .route("/brand/theme.css", web::get().to(brand::theme))
        .route("/brand/logo", web::get().to(brand::logo))
        .route("/language", web::get().to(brand::switch))
        .route(
            "/",
            web::get().to(|| async { layout::see_other("/account") }),
        )
        .service(web::resource("/login").get(login::show).post(login::submit))
        .route("/login/company", web::post().to(login::company))
        .service(
            web::resource("/login/second-factor")
                .get(second_factor::show)
                .post(second_factor::submit),
        )
        .route(
            "/login/second-factor/setup",
            web::post().to(second_factor::setup),
        )
        .route("/account/security", web::get().to(security::show))
        .service(
            web::resource("/account/security/app")
                .get(security::app_show)
                .post(security::app_confirm),
        )
        .route(
            "/account/security/app/remove",
            web::post().to(security::app_remove),
        )
        .route(
            "/account/security/recovery-codes",
            web::post().to(security::new_recovery_codes),
        )
        .route("/company", web::get().to(company::show))
        .route("/company/colleagues", web::get().to(company::colleagues))
        .route("/company/do", web::post().to(company::act))
        .service(
            web::resource("/company/logo")
                .get(company::logo_image)
                .post(company::upload_logo),
        )
        .route("/invitation", web::get().to(invitation::show))
        .route("/invitation/logo", web::get().to(invitation::logo))
        .route("/invitation/accept", web::post().to(invitation::accept))
        .route("/invitation/signup", web::post().to(invitation::sign_up))
        .service(
            web::resource("/signup")
                .get(signup::show)
                .post(signup::submit),
        )
        .service(
            web::resource("/verify-email")
                .get(verify_email::show)
                .post(verify_email::submit),
        )
        .route("/verify-email/resend", web::post().to(verify_email::resend))
        .service(
            web::resource("/password/forgot")
                .get(password_forgot::show)
                .post(password_forgot::request_code),
        )
        .route(
            "/password/forgot/code",
            web::post().to(password_forgot::check_code),
        )
        .route(
            "/password/forgot/new",
            web::post().to(password_forgot::set_password),
        )
        .route("/account", web::get().to(account::show))
        .route("/account/profile", web::post().to(account::update_profile))
        .route(
            "/account/password",
            web::post().to(account::change_password),
        )
        .route("/account/email", web::post().to(account::change_email))
        .route("/account/marketing", web::post().to(account::marketing))
        .route("/account/language", web::post().to(account::language))
        .route(
            "/account/sessions/end",
            web::post().to(account::end_session),
        )
        .route(
            "/account/sessions/end-all",
            web::post().to(account::end_all_sessions),
        )
        .route("/account/delete", web::post().to(account::delete))
        .route(
            "/account/identities/link",
            web::post().to(federation::account_link),
        )
        .route(
            "/account/identities/unlink",
            web::post().to(federation::account_unlink),
        )
        .route("/federation/{id}/start", web::post().to(federation::start))
        .route(
            "/federation/{id}/login",
            web::get().to(federation::initiated),
        )
        .service(
            web::resource("/federation/{id}/callback")
                .get(federation::callback)
                .post(federation::callback_post),
        )
        .service(
            web::resource("/federation/complete")
                .get(federation::complete_show)
                .post(federation::complete_submit),
        )
        .route("/federation/link", web::get().to(federation::link_show))
        .route(
            "/federation/link/password",
            web::post().to(|req, idp, form, lang, csrf, client| {
                federation::prove(req, idp, form, lang, csrf, client, Proof::Password)
            }),
        )
        .route(
            "/federation/link/code",
            web::post().to(|req, idp, form, lang, csrf, client| {
                federation::prove(req, idp, form, lang, csrf, client, Proof::Code)
            }),
        )
        .route(
            "/federation/link/send-code",
            web::post().to(|req, idp, form, lang, csrf, client| {
                federation::prove(req, idp, form, lang, csrf, client, Proof::SendCode)
            }),
        )
        .route(
            "/federation/link/confirm",
            web::post().to(federation::link_confirm),
        )
        .route("/federation/cancel", web::post().to(federation::cancel))
        .route("/account/apps/remove", web::post().to(account::remove_app))
        .service(
            web::resource("/email/confirm")
                .get(email_confirm::show)
                .post(email_confirm::submit),
        )
        .service(
            web::resource("/logout")
                .get(logout::show)
                .post(logout::submit),
        )
        .service(
            web::resource("/unsubscribe")
                .get(unsubscribe::show)
                .post(unsubscribe::submit),
        );
}

/// Refuses a form post whose `csrf_token` does not match the browser's cookie.
pub fn check_csrf(req: &HttpRequest, token: &str) -> Result<(), PageError> {
    csrf::verify(req, token).map_err(PageError::Csrf)
}

/// `path?return_to=…`: a page to go through on the way back to `return_to`.
pub fn with_return_to(path: &str, return_to: &str) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("return_to", return_to)
        .finish();
    format!("{path}?{query}")
}

/// Only local paths may be returned to after sign-in (no open redirect).
pub fn safe_return_to(raw: Option<&str>) -> &str {
    raw.and_then(idp_core::local_path).unwrap_or("/account")
}
