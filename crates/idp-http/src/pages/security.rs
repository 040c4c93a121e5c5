//! `/account/security`: the authenticator app and the recovery codes; and
//! the parts of it the second-factor sign-in page shares (setting up an app,
//! showing new recovery codes once).

use actix_web::{HttpRequest, HttpResponse};
use idp_core::accounts::AccountError;
use idp_core::second_factor::{SecondFactorStatus, TotpSetup};
use idp_core::Idp;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::check_csrf;
use super::form::Form;
use super::layout::{button, csrf_field, layout, ok, render, see_other, Control, Errors, Field};
use crate::blocking;
use crate::csrf::CsrfToken;
use crate::error::{classify, PageError};
use crate::lang::Lang;
use crate::signed_in::{self, SignedIn};

const HERE: &str = "/account/security";

const NOTICES: &[&str] = &[
    "app_added",
    "app_removed",
    "passkey_added",
    "passkey_removed",
];

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    otp: String,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct PasskeyForm {
    passkey_id: String,
    csrf_token: String,
}

async fn require(req: &HttpRequest) -> Result<Result<SignedIn, HttpResponse>, PageError> {
    Ok(match signed_in::current::<PageError>(req).await? {
        Some(user) => Ok(user),
        None => Err(see_other(&format!("/login?return_to={HERE}"))),
    })
}

/// Runs `action` for the signed-in person in the blocking pool.
async fn with_user<T: Send + 'static>(
    req: &HttpRequest,
    action: impl FnOnce(&Idp, &SignedIn) -> Result<T, AccountError> + Send + 'static,
) -> Result<Result<Result<T, AccountError>, HttpResponse>, PageError> {
    let user = match require(req).await? {
        Ok(u) => u,
        Err(redirect) => return Ok(Err(redirect)),
    };
    let idp = signed_in::idp(req);
    let result = blocking::run(move || Ok::<_, PageError>(action(&idp, &user))).await?;
    Ok(Ok(result))
}

pub async fn show(
    req: HttpRequest,
    query: actix_web::web::Query<NoticeQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let status = match with_user(&req, |idp, user| idp.second_factor_status(&user.account)).await? {
        Ok(status) => status?,
        Err(redirect) => return Ok(redirect),
    };
    let passkeys = signed_in::idp(&req).passkeys_available();
    let notice = query
        .notice
        .as_deref()
        .filter(|n| NOTICES.contains(n))
        .map(|n| lang.t(&format!("notice.security.{n}")));
    Ok(ok(overview(lang, &csrf.0, &status, notice, passkeys)))
}

fn overview(
    lang: Lang,
    csrf: &str,
    status: &SecondFactorStatus,
    notice: Option<String>,
    passkeys: bool,
) -> Markup {
    let left = status.recovery_codes_left.to_string();
    let has_factor = status.app_since.is_some() || !status.passkeys.is_empty();
    layout(
        lang,
        &lang.t("page.security.title"),
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            @if status.required {
                p { (lang.t("page.security.required")) }
            }
            section aria-labelledby="app-h" {
                h2 id="app-h" { (lang.t("page.security.app")) }
                @match status.app_since {
                    Some(since) => {
                        p { (lang.f("page.security.app_on", &[("since", &idp_core::i18n::date(lang.0, since))])) }
                        form method="post" action="/account/security/app/remove" {
                            (csrf_field(csrf))
                            (button(&lang.t("button.remove_app_factor")))
                        }
                    }
                    None => {
                        p { (lang.t("page.security.app_off")) }
                        p { a href="/account/security/app" { (lang.t("link.set_up_app")) } }
                    }
                }
            }
            @if passkeys {
                section aria-labelledby="passkeys-h" {
                    h2 id="passkeys-h" { (lang.t("page.security.passkeys")) }
                    p.hint { (lang.t("page.security.passkeys_hint")) }
                    @if status.passkeys.is_empty() {
                        p { (lang.t("page.security.no_passkeys")) }
                    }
                    ul.sessions {
                        @for key in &status.passkeys {
                            li {
                                span { (lang.f("page.security.passkey_line", &[
                                    ("name", &key.name),
                                    ("added", &idp_core::i18n::date(lang.0, key.created_at)),
                                ])) }
                                form.inline method="post" action="/account/security/passkeys/remove" {
                                    (csrf_field(csrf))
                                    input type="hidden" name="passkey_id" value=(key.id);
                                    (button(&lang.f("button.remove_passkey", &[("name", &key.name)])))
                                }
                            }
                        }
                    }
                    (passkey_form(lang, csrf, "add", None, &lang.t("button.add_passkey")))
                }
            }
            section aria-labelledby="recovery-h" {
                h2 id="recovery-h" { (lang.t("page.security.recovery")) }
                @if has_factor {
                    p { (lang.f("page.security.recovery_left", &[("count", &left)])) }
                    form method="post" action="/account/security/recovery-codes" {
                        (csrf_field(csrf))
                        (button(&lang.t("button.new_recovery_codes")))
                    }
                } @else {
                    p { (lang.t("page.security.recovery_none")) }
                }
            }
            p { a href="/account" { (lang.t("link.back_to_profile")) } }
        },
    )
}

/// GET `/account/security/app`: the QR code and the secret to set up.
pub async fn app_show(
    req: HttpRequest,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let started = with_user(&req, |idp, user| {
        idp.start_totp(&user.session, &user.account)
    })
    .await?;
    match started {
        Ok(Ok(setup)) => Ok(ok(setup_page(
            lang,
            &csrf.0,
            &setup,
            "/account/security/app",
            &Errors::default(),
        ))),
        Ok(Err(e)) => refused(lang, e),
        Err(redirect) => Ok(redirect),
    }
}

/// POST `/account/security/app`: the first code from the app confirms it.
pub async fn app_confirm(
    req: HttpRequest,
    form: Form<CodeForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let typed = form.into_inner().otp;
    let confirmed = with_user(&req, move |idp, user| {
        let confirmed = idp.confirm_totp(&user.session, &user.account, &typed);
        // A wrong code shows the same set-up again.
        let again = match &confirmed {
            Err(AccountError::Invalid(_) | AccountError::Throttled { .. }) => {
                Some(idp.start_totp(&user.session, &user.account)?)
            }
            _ => None,
        };
        Ok((confirmed, again))
    })
    .await?;
    let (confirmed, again) = match confirmed {
        Ok(Ok(pair)) => pair,
        Ok(Err(e)) => return refused(lang, e),
        Err(redirect) => return Ok(redirect),
    };
    let idp = signed_in::idp(&req);
    match (confirmed, again) {
        (Ok(done), _) => {
            let next = "/account/security?notice=app_added";
            let mut response = match &done.recovery_codes {
                Some(codes) => ok(codes_page(lang, codes, next)),
                None => see_other(next),
            };
            response
                .add_cookie(&signed_in::session_cookie(&idp, done.session.token))
                .map_err(|e| PageError::BadRequest(e.to_string()))?;
            Ok(response)
        }
        (Err(e), Some(setup)) => Ok(render(
            classify(&e).0,
            setup_page(
                lang,
                &csrf.0,
                &setup,
                "/account/security/app",
                &Errors::from_account(lang, &e),
            ),
        )),
        (Err(e), None) => refused(lang, e),
    }
}

pub async fn app_remove(
    req: HttpRequest,
    form: Form<CsrfOnly>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    match with_user(&req, |idp, user| {
        idp.remove_totp(&user.session, &user.account)
    })
    .await?
    {
        Ok(Ok(())) => Ok(see_other("/account/security?notice=app_removed")),
        Ok(Err(e)) => refused(lang, e),
        Err(redirect) => Ok(redirect),
    }
}

pub async fn new_recovery_codes(
    req: HttpRequest,
    form: Form<CsrfOnly>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let made = with_user(&req, |idp, user| {
        idp.new_recovery_codes(&user.session, &user.account)
    });
    match made.await? {
        Ok(Ok(codes)) => Ok(ok(codes_page(lang, &codes, HERE))),
        Ok(Err(e)) => refused(lang, e),
        Err(redirect) => Ok(redirect),
    }
}

pub async fn passkey_remove(
    req: HttpRequest,
    form: Form<PasskeyForm>,
    lang: Lang,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let id = form.into_inner().passkey_id;
    let removed = with_user(&req, move |idp, user| {
        idp.remove_own_passkey(&user.session, &user.account, &id)
    });
    match removed.await? {
        Ok(Ok(())) => Ok(see_other("/account/security?notice=passkey_removed")),
        Ok(Err(e)) => refused(lang, e),
        Err(redirect) => Ok(redirect),
    }
}

/// The form of one passkey step (`add`, `verify`, `sign-in`), run by
/// `static/passkeys.js`: its button shows only where the browser has
/// passkeys, and its status line says what happened.
pub(super) fn passkey_form(
    lang: Lang,
    csrf: &str,
    kind: &str,
    return_to: Option<&str>,
    label: &str,
) -> Markup {
    html! {
        form.passkey {
            (csrf_field(csrf))
            @if let Some(to) = return_to {
                input type="hidden" name="return_to" value=(to);
            }
            @if kind == "add" {
                (Field::optional("passkey_name", Control::Input("text"), "", "off").render(lang, &Errors::default()))
            }
            button type="button" data-passkey=(kind) hidden { (label) }
            p.passkey-status role="status"
                data-failed=(lang.t("error.passkey_failed"))
                data-cancelled=(lang.t("page.passkeys.cancelled"))
                data-unsupported=(lang.t("page.passkeys.unsupported")) {}
        }
        script src="/static/passkeys.js" defer {}
    }
}

/// A change refused as a whole: the reason, and the way on (signing in
/// again, when the sign-in is too old to change factors).
pub(super) fn refused(lang: Lang, e: AccountError) -> Result<HttpResponse, PageError> {
    if matches!(e, AccountError::Store(_) | AccountError::Busy { .. }) {
        return Err(e.into());
    }
    let again = matches!(e, AccountError::SignInAgain);
    let body = html! {
        (Errors::from_account(lang, &e).summary(lang))
        @if again {
            p { a href=(format!("/login?return_to={HERE}")) { (lang.t("link.sign_in_again")) } }
        }
        p { a href=(HERE) { (lang.t("link.back_to_security")) } }
    };
    Ok(render(
        classify(&e).0,
        layout(lang, &lang.t("page.security.title"), body),
    ))
}

/// The set-up of an authenticator app: a QR code drawn here (no outside
/// service sees the secret), the secret to type instead, and the code field.
pub(super) fn setup_page(
    lang: Lang,
    csrf: &str,
    setup: &TotpSetup,
    action: &str,
    errors: &Errors,
) -> Markup {
    layout(
        lang,
        &lang.t("page.security.setup_title"),
        html! {
            (errors.summary(lang))
            ol {
                li { (lang.t("page.security.setup_scan")) }
                li { (lang.t("page.security.setup_type")) }
            }
            div.qr role="img" aria-label=(lang.t("page.security.qr_label")) { (qr_svg(&setup.uri)) }
            p { (lang.t("page.security.secret")) " " code.secret { (grouped(&setup.secret)) } }
            form method="post" action=(action) {
                (csrf_field(csrf))
                (code_field(lang, errors, lang.t("page.security.setup_hint")))
                (button(&lang.t("button.confirm_app")))
            }
        },
    )
}

/// The code field of every second-factor form: one-time-code autofill,
/// letters allowed (recovery codes).
pub(super) fn code_field(lang: Lang, errors: &Errors, hint: String) -> Markup {
    Field {
        required: true,
        ..Field::optional("otp", Control::Input("text"), "", "one-time-code")
    }
    .hint(hint)
    .render(lang, errors)
}

/// New recovery codes, shown this once.
pub(super) fn codes_page(lang: Lang, codes: &[String], next: &str) -> Markup {
    layout(
        lang,
        &lang.t("page.security.codes_title"),
        html! {
            p { (lang.t("page.security.codes_once")) }
            ul.codes { @for code in codes { li { code { (code) } } } }
            p { a href=(next) { (lang.t("button.continue")) } }
        },
    )
}

/// The secret in groups of four, easier to copy by hand.
fn grouped(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn qr_svg(uri: &str) -> PreEscaped<String> {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => PreEscaped(
            code.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .quiet_zone(true)
                .build(),
        ),
        // A link of a few hundred bytes always fits; the secret is below.
        Err(_) => PreEscaped(String::new()),
    }
}
