//! `/account`, "My Profile": names and birthday, phone and postal address,
//! password, primary email, marketing mail, language, active sessions, and
//! deleting the account.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::{offered, AccountError, ContactUpdate, PostalAddress, ProfileUpdate};
use idp_core::{i18n, Idp};
use maud::{html, Markup};
use serde::Deserialize;

use super::form::Form;

use super::check_csrf;
use super::layout::{
    button, csrf_field, input, input_with_id, layout, ok, see_other, Control, Errors, Field,
};
use crate::blocking;
use crate::csrf::CsrfToken;
use crate::error::{classify, PageError};
use crate::lang::{self, Lang};
use crate::signed_in::{self, removal_cookie, SignedIn};

/// Which section of the page a failed form belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Profile,
    Password,
    Email,
    Language,
    Delete,
}

impl Section {
    /// The element id of the section's password input (ids are unique on
    /// the page; the error summary links to them).
    fn password_field_id(self) -> &'static str {
        match self {
            Section::Email => "email_current_password",
            Section::Delete => "delete_password",
            Section::Profile | Section::Password | Section::Language => "current_password",
        }
    }
}

const NOTICES: &[&str] = &[
    "profile_saved",
    "password_changed",
    "email_change_sent",
    "email_changed",
    "marketing_on",
    "marketing_off",
    "language_saved",
    "session_ended",
    "sessions_ended",
    "app_removed",
    "identity_linked",
    "identity_unlinked",
];

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct ProfileForm {
    given_name: String,
    family_name: String,
    birthdate: String,
    // The contact fields: a form without any of them leaves them as they are.
    phone_number: Option<String>,
    street_address: Option<String>,
    locality: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    csrf_token: String,
}

impl ProfileForm {
    fn contact(&self) -> Option<ContactUpdate> {
        let address = PostalAddress {
            street_address: self.street_address.clone(),
            locality: self.locality.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
        };
        (self.phone_number.is_some() || !address.is_empty()).then(|| ContactUpdate {
            phone_number: self.phone_number.clone().unwrap_or_default(),
            address,
        })
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct EmailForm {
    new_email: String,
    current_password: String,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct MarketingForm {
    subscribed: String,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct SessionForm {
    session_id: String,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct AppForm {
    client_id: String,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct LanguageForm {
    locale: String,
    csrf_token: String,
}

#[derive(Deserialize)]
pub struct DeleteForm {
    password: String,
    csrf_token: String,
}

/// The signed-in person, or a redirect to the sign-in page.
async fn require(req: &HttpRequest) -> Result<Result<SignedIn, HttpResponse>, PageError> {
    Ok(match signed_in::current::<PageError>(req).await? {
        Some(user) => Ok(user),
        None => Err(see_other("/login?return_to=/account")),
    })
}

pub async fn show(
    req: HttpRequest,
    query: web::Query<NoticeQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let user = match require(&req).await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let notice = query
        .notice
        .as_deref()
        .filter(|n| NOTICES.contains(n))
        .map(|n| lang.t(&format!("notice.{n}")));
    page(&req, lang, &csrf.0, &user, notice, None, None).await
}

/// Runs a change for the signed-in person: on success redirect with a
/// notice, on a problem show the page again with the errors in `section`
/// (and the profile form with what was `typed`, to be corrected).
#[allow(clippy::too_many_arguments)]
async fn change(
    req: HttpRequest,
    lang: Lang,
    csrf: CsrfToken,
    form_csrf: &str,
    section: Section,
    notice: &'static str,
    typed: Option<ProfileUpdate>,
    action: impl FnOnce(&Idp, &SignedIn) -> Result<(), AccountError> + Send + 'static,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, form_csrf)?;
    let user = match require(&req).await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let idp = signed_in::idp(&req);
    let (result, user) = blocking::run(move || {
        let result = action(&idp, &user);
        Ok::<_, PageError>((result, user))
    })
    .await?;
    match result {
        Ok(()) => Ok(see_other(&format!("/account?notice={notice}"))),
        Err(e @ (AccountError::Store(_) | AccountError::Busy { .. })) => Err(e.into()),
        Err(e) => {
            let status = classify(&e).0;
            let mut response = page(
                &req,
                lang,
                &csrf.0,
                &user,
                None,
                Some((
                    section,
                    Errors::from_account(lang, &e)
                        .anchor("current_password", section.password_field_id()),
                )),
                typed,
            )
            .await?;
            *response.status_mut() = status;
            Ok(response)
        }
    }
}

pub async fn update_profile(
    req: HttpRequest,
    form: Form<ProfileForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let update = ProfileUpdate {
        contact: form.contact(),
        given_name: form.given_name,
        family_name: form.family_name,
        birthdate: form.birthdate,
    };
    change(
        req,
        lang,
        csrf,
        &form.csrf_token,
        Section::Profile,
        "profile_saved",
        Some(update.clone()),
        move |idp, user| idp.update_profile(&user.account.id, &update),
    )
    .await
}

pub async fn change_password(
    req: HttpRequest,
    form: Form<PasswordForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let token = form.csrf_token.clone();
    change(
        req,
        lang,
        csrf,
        &token,
        Section::Password,
        "password_changed",
        None,
        move |idp, user| {
            idp.change_password(
                &user.account.id,
                Some(&user.session.id),
                &form.current_password,
                &form.new_password,
                &form.new_password_confirm,
            )
        },
    )
    .await
}

pub async fn change_email(
    req: HttpRequest,
    form: Form<EmailForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let token = form.csrf_token.clone();
    change(
        req,
        lang,
        csrf,
        &token,
        Section::Email,
        "email_change_sent",
        None,
        move |idp, user| {
            idp.request_email_change(&user.account.id, &form.new_email, &form.current_password)
        },
    )
    .await
}

pub async fn marketing(
    req: HttpRequest,
    form: Form<MarketingForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let on = form.subscribed == "yes";
    let notice = if on { "marketing_on" } else { "marketing_off" };
    change(
        req,
        lang,
        csrf,
        &form.csrf_token,
        Section::Profile,
        notice,
        None,
        move |idp, user| idp.set_marketing(&user.account.id, on),
    )
    .await
}

/// Saves the language on the account (its emails) and in this browser (its
/// pages, which the switcher alone changes without touching the account).
pub async fn language(
    req: HttpRequest,
    form: Form<LanguageForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let secure = signed_in::idp(&req).settings.secure_cookies();
    let tag = form.locale.clone();
    let mut response = change(
        req,
        lang,
        csrf,
        &form.csrf_token,
        Section::Language,
        "language_saved",
        None,
        move |idp, user| idp.set_language(&user.account.id, &tag),
    )
    .await?;
    if let (StatusCode::SEE_OTHER, Ok(tag)) = (response.status(), offered(&form.locale)) {
        response
            .add_cookie(&lang::cookie(tag, secure, true))
            .map_err(|e| PageError::BadRequest(e.to_string()))?;
    }
    Ok(response)
}

pub async fn end_session(
    req: HttpRequest,
    form: Form<SessionForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    change(
        req,
        lang,
        csrf,
        &form.csrf_token,
        Section::Profile,
        "session_ended",
        None,
        move |idp, user| idp.end_session(&user.account.id, &form.session_id),
    )
    .await
}

pub async fn remove_app(
    req: HttpRequest,
    form: Form<AppForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    change(
        req,
        lang,
        csrf,
        &form.csrf_token,
        Section::Profile,
        "app_removed",
        None,
        move |idp, user| Ok(idp.withdraw_consent(&user.account.id, &form.client_id)?),
    )
    .await
}

pub async fn end_all_sessions(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<CsrfOnly>,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let user = match require(&req).await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let core = idp.clone();
    blocking::run(move || {
        core.end_all_sessions(&user.account.id)
            .map_err(PageError::from)
    })
    .await?;
    let mut response = see_other("/login?notice=signed_out");
    let _ = response.add_cookie(&removal_cookie(&idp));
    Ok(response)
}

pub async fn delete(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<DeleteForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let user = match require(&req).await? {
        Ok(u) => u,
        Err(redirect) => return Ok(redirect),
    };
    let (core, id, password) = (
        idp.clone(),
        user.account.id.clone(),
        form.into_inner().password,
    );
    match blocking::run(move || Ok::<_, PageError>(core.delete_account(&id, &password))).await? {
        Ok(()) => {
            let mut response = ok(layout(
                lang,
                &lang.t("page.deleted.title"),
                html! { p role="status" { (lang.t("page.deleted.body")) } },
            ));
            let _ = response.add_cookie(&removal_cookie(&idp));
            Ok(response)
        }
        Err(e @ (AccountError::Store(_) | AccountError::Busy { .. })) => Err(e.into()),
        Err(e) => {
            let status = classify(&e).0;
            let errors = Errors::from_account(lang, &e).anchor("password", "delete_password");
            let mut response = page(
                &req,
                lang,
                &csrf.0,
                &user,
                None,
                Some((Section::Delete, errors)),
                None,
            )
            .await?;
            *response.status_mut() = status;
            Ok(response)
        }
    }
}

async fn page(
    req: &HttpRequest,
    lang: Lang,
    csrf: &str,
    user: &SignedIn,
    notice: Option<String>,
    failed: Option<(Section, Errors)>,
    typed: Option<ProfileUpdate>,
) -> Result<HttpResponse, PageError> {
    let idp = signed_in::idp(req);
    let id = user.account.id.clone();
    let account = user.account.clone();
    let (contact, sessions, apps, identities, providers, factors) = blocking::run(move || {
        let factors = idp.second_factor_status(&account)?;
        let contact = idp.contact_details(&id)?;
        let sessions = idp.list_sessions(&id)?;
        let apps = idp.authorized_apps(&id)?;
        let identities = idp.identities_of(&id)?;
        let providers = idp.enabled_providers()?;
        Ok::<_, PageError>((contact, sessions, apps, identities, providers, factors))
    })
    .await?;
    let none = Errors::default();
    let errors_for = |s: Section| match &failed {
        Some((section, errors)) if *section == s => errors,
        _ => &none,
    };
    let a = &user.account;
    let saved = || ContactUpdate {
        phone_number: contact.phone_number.clone().unwrap_or_default(),
        address: contact.address.clone(),
    };
    // After a refusal, what was typed; otherwise what is saved.
    let shown = match typed {
        Some(typed) => ProfileUpdate {
            contact: typed.contact.or_else(|| Some(saved())),
            ..typed
        },
        None => ProfileUpdate {
            given_name: a.given_name.clone(),
            family_name: a.family_name.clone(),
            birthdate: a.birthdate.map(|d| d.to_string()).unwrap_or_default(),
            contact: Some(saved()),
        },
    };
    let body: Markup = html! {
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        p { (lang.f("page.account.signed_in_as", &[("email", &a.email)])) }
        nav aria-label=(lang.t("nav.my_company")) { p { a href="/company" { (lang.t("nav.my_company")) } } }
        section aria-labelledby="profile-h" {
            h2 id="profile-h" { (lang.t("page.account.profile")) }
            (errors_for(Section::Profile).summary(lang))
            form method="post" action="/account/profile" {
                (csrf_field(csrf))
                (input(lang, errors_for(Section::Profile), "given_name", "text", &shown.given_name, "given-name"))
                (input(lang, errors_for(Section::Profile), "family_name", "text", &shown.family_name, "family-name"))
                (input(lang, errors_for(Section::Profile), "birthdate", "date", &shown.birthdate, "bday"))
                (contact_fields(lang, errors_for(Section::Profile), &shown.contact.unwrap_or_default()))
                (button(&lang.t("button.save")))
            }
        }
        section aria-labelledby="password-h" {
            h2 id="password-h" { (lang.t("page.account.password")) }
            (errors_for(Section::Password).summary(lang))
            @if a.password_hash.is_none() {
                // Accounts made through an upstream start without one.
                p.hint { (lang.t("page.account.no_password")) " " a href="/password/forgot" { (lang.t("page.account.set_password")) } }
            }
            form method="post" action="/account/password" {
                (csrf_field(csrf))
                (input(lang, errors_for(Section::Password), "current_password", "password", "", "current-password"))
                (input(lang, errors_for(Section::Password), "new_password", "password", "", "new-password"))
                (input(lang, errors_for(Section::Password), "new_password_confirm", "password", "", "new-password"))
                (button(&lang.t("button.change_password")))
            }
        }
        section aria-labelledby="security-h" {
            h2 id="security-h" { (lang.t("page.account.second_factor")) }
            p { (lang.t(if factors.app_since.is_some() { "page.account.second_factor_on" } else { "page.account.second_factor_off" })) }
            p { a href="/account/security" { (lang.t("link.manage_second_factor")) } }
        }
        section aria-labelledby="email-h" {
            h2 id="email-h" { (lang.t("page.account.email")) }
            (errors_for(Section::Email).summary(lang))
            p.hint { (lang.t("page.account.email_hint")) }
            form method="post" action="/account/email" {
                (csrf_field(csrf))
                (input(lang, errors_for(Section::Email), "new_email", "email", "", "email"))
                (input_with_id(lang, errors_for(Section::Email), "email_current_password", "current_password", "password", "", "current-password"))
                (button(&lang.t("button.change_email")))
            }
        }
        section aria-labelledby="marketing-h" {
            h2 id="marketing-h" { (lang.t("page.account.marketing")) }
            p { (lang.t(if a.marketing_opt_in { "page.account.marketing_on" } else { "page.account.marketing_off" })) }
            form method="post" action="/account/marketing" {
                (csrf_field(csrf))
                input type="hidden" name="subscribed" value=(if a.marketing_opt_in { "no" } else { "yes" });
                (button(&lang.t(if a.marketing_opt_in { "button.unsubscribe" } else { "button.subscribe" })))
            }
        }
        section aria-labelledby="language-h" {
            h2 id="language-h" { (lang.t("page.account.language")) }
            (errors_for(Section::Language).summary(lang))
            form method="post" action="/account/language" {
                (csrf_field(csrf))
                (language_select(lang, errors_for(Section::Language), &a.locale))
                (button(&lang.t("button.save")))
            }
        }
        section aria-labelledby="identities-h" {
            h2 id="identities-h" { (lang.t("page.account.identities")) }
            @if identities.is_empty() {
                p { (lang.t("page.account.no_identities")) }
            }
            ul.sessions {
                @for linked in &identities {
                    li {
                        span { (lang.f("page.account.identity_line", &[
                            ("provider", &linked.provider_name),
                            ("email", &linked.identity.email),
                            ("linked", &idp_core::i18n::date(lang.0, linked.identity.linked_at)),
                            ("used", &idp_core::i18n::date(lang.0, linked.identity.last_used_at)),
                        ])) }
                        // The last way in stays (the server refuses it too).
                        @if a.password_hash.is_some() || identities.len() > 1 {
                            form.inline method="post" action="/account/identities/unlink" {
                                (csrf_field(csrf))
                                input type="hidden" name="identity_id" value=(linked.identity.id);
                                (button(&lang.f("button.unlink", &[("provider", &linked.provider_name)])))
                            }
                        }
                    }
                }
            }
            @if !providers.is_empty() {
                p { (lang.t("page.account.link_another")) }
                @for p in &providers {
                    form.inline method="post" action="/account/identities/link" {
                        (csrf_field(csrf))
                        input type="hidden" name="provider_id" value=(p.id);
                        (button(&lang.f("button.link_provider", &[("provider", &p.display_name)])))
                    }
                }
            }
        }
        section aria-labelledby="sessions-h" {
            h2 id="sessions-h" { (lang.t("page.account.sessions")) }
            ul.sessions {
                @for s in &sessions {
                    li {
                        span { (s.user_agent) " · " (s.ip_address) " · " (idp_core::i18n::date_time(lang.0, s.created_at)) }
                        @if s.id == user.session.id {
                            " " strong { (lang.t("page.account.this_session")) }
                        } @else {
                            form.inline method="post" action="/account/sessions/end" {
                                (csrf_field(csrf))
                                input type="hidden" name="session_id" value=(s.id);
                                (button(&lang.t("button.end_session")))
                            }
                        }
                    }
                }
            }
            form method="post" action="/account/sessions/end-all" {
                (csrf_field(csrf))
                (button(&lang.t("button.log_out_everywhere")))
            }
            p { a href="/logout" { (lang.t("nav.log_out")) } }
        }
        section aria-labelledby="apps-h" {
            h2 id="apps-h" { (lang.t("page.account.apps")) }
            @if apps.is_empty() {
                p { (lang.t("page.account.no_apps")) }
            }
            ul.sessions {
                @for app in &apps {
                    li {
                        strong { (app.name) }
                        " · " (app.scope) " · " (idp_core::i18n::date(lang.0, app.since))
                        form.inline method="post" action="/account/apps/remove" {
                            (csrf_field(csrf))
                            input type="hidden" name="client_id" value=(app.client_id);
                            (button(&lang.f("button.remove_app", &[("app", &app.name)])))
                        }
                    }
                }
            }
        }
        section aria-labelledby="delete-h" {
            h2 id="delete-h" { (lang.t("page.account.delete")) }
            (errors_for(Section::Delete).summary(lang))
            p.hint { (lang.t("page.account.delete_hint")) }
            form method="post" action="/account/delete" {
                (csrf_field(csrf))
                (input_with_id(lang, errors_for(Section::Delete), "delete_password", "password", "password", "", "current-password"))
                (button(&lang.t("button.delete_account")))
            }
        }
    };
    Ok(ok(layout(lang, &lang.t("page.account.title"), body)))
}

/// The languages idp has, each named in itself (and marked so, for screen
/// readers), the account's selected.
fn language_select(lang: Lang, errors: &Errors, saved: &str) -> Markup {
    let error = errors.get("locale");
    let described = if error.is_some() {
        "locale-hint locale-error"
    } else {
        "locale-hint"
    };
    html! {
        div.field {
            label for="locale" { (lang.t("field.locale")) }
            p.hint id="locale-hint" { (lang.t("page.account.language_hint")) }
            select id="locale" name="locale" autocomplete="language"
                aria-invalid=[error.map(|_| "true")] aria-describedby=(described) {
                @for tag in i18n::languages() {
                    option value=(tag) lang=(tag) selected[tag == saved] { (i18n::language_name(tag)) }
                }
            }
            @if let Some(message) = error {
                p.error id="locale-error" { (message) }
            }
        }
    }
}

/// The optional phone number and postal address, inside the profile form,
/// named and autocompleted as browsers and password managers expect.
fn contact_fields(lang: Lang, errors: &Errors, contact: &ContactUpdate) -> Markup {
    let a = &contact.address;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let (phone, street, locality, region, postal_code, country) = (
        contact.phone_number.clone(),
        value(&a.street_address),
        value(&a.locality),
        value(&a.region),
        value(&a.postal_code),
        value(&a.country),
    );
    html! {
        fieldset aria-describedby="contact-hint" {
            legend { (lang.t("page.account.contact")) }
            p.hint id="contact-hint" { (lang.t("page.account.contact_hint")) }
            (Field::optional("phone_number", Control::Input("tel"), &phone, "tel")
                .hint(lang.t("page.account.phone_hint"))
                .render(lang, errors))
            (Field::optional("street_address", Control::TextArea, &street, "street-address").render(lang, errors))
            (Field::optional("locality", Control::Input("text"), &locality, "address-level2").render(lang, errors))
            (Field::optional("region", Control::Input("text"), &region, "address-level1").render(lang, errors))
            (Field::optional("postal_code", Control::Input("text"), &postal_code, "postal-code").render(lang, errors))
            (Field::optional("country", Control::Input("text"), &country, "country-name").render(lang, errors))
        }
    }
}
