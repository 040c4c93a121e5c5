//! `/signup`: create an account. The answer is the same whether or not the
//! address was registered already.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::{AccountError, SignUp};
use idp_core::Idp;
use maud::html;
use serde::Deserialize;

use super::form::Form;

use super::check_csrf;
use super::layout::{bot_check, button, csrf_field, input, layout, ok, render, Errors};
use crate::blocking;
use crate::csrf::CsrfToken;
use crate::error::{classify, PageError};
use crate::lang::Lang;

#[derive(Deserialize, Default)]
pub struct SignUpForm {
    /// Absent on an invitation's page, where the address is the invited one.
    #[serde(default)]
    email: String,
    password: String,
    password_confirm: String,
    given_name: String,
    family_name: String,
    birthdate: String,
    marketing_opt_in: Option<String>,
    csrf_token: String,
    #[serde(default)]
    bot_challenge: String,
    #[serde(default)]
    bot_solution: String,
    /// Where to go once the address is verified (an app's sign-in).
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct SignUpQuery {
    return_to: Option<String>,
}

pub async fn show(
    idp: web::Data<Idp>,
    query: web::Query<SignUpQuery>,
    lang: Lang,
    csrf: CsrfToken,
) -> HttpResponse {
    let values = SignUpForm {
        return_to: query.into_inner().return_to,
        ..SignUpForm::default()
    };
    let choices = super::federation_choices(&idp).await;
    ok(signup_form(
        &idp,
        lang,
        &csrf.0,
        &choices,
        &values,
        &Errors::default(),
    ))
}

pub async fn submit(
    req: HttpRequest,
    idp: web::Data<Idp>,
    form: Form<SignUpForm>,
    lang: Lang,
    csrf: CsrfToken,
) -> Result<HttpResponse, PageError> {
    check_csrf(&req, &form.csrf_token)?;
    let signup = form.to_sign_up(&req, lang);
    let core = idp.clone();
    match blocking::run(move || Ok::<_, PageError>(core.sign_up(&signup))).await? {
        Ok(()) => Ok(ok(check_your_email(lang, &form.email))),
        Err(e @ (AccountError::Store(_) | AccountError::Busy { .. })) => Err(e.into()),
        Err(e) => {
            let choices = super::federation_choices(&idp).await;
            Ok(render(
                classify(&e).0,
                signup_form(
                    &idp,
                    lang,
                    &csrf.0,
                    &choices,
                    &form,
                    &Errors::from_account(lang, &e),
                ),
            ))
        }
    }
}

impl SignUpForm {
    pub(super) fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    pub(super) fn to_sign_up(&self, req: &HttpRequest, lang: Lang) -> SignUp {
        SignUp {
            email: self.email.clone(),
            password: self.password.clone(),
            password_confirm: self.password_confirm.clone(),
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            birthdate: self.birthdate.clone(),
            marketing_opt_in: self.marketing_opt_in.is_some(),
            locale: lang.0.to_owned(),
            bot_challenge: self.bot_challenge.clone(),
            bot_solution: self.bot_solution.clone(),
            return_to: self
                .return_to
                .as_deref()
                .and_then(idp_core::local_path)
                .map(str::to_owned),
            browser: crate::csrf::binding(req),
        }
    }
}

/// What a new account needs besides its address: the password twice, the
/// marketing choice, names, birthday and the robot check. The sign-up page
/// and an invitation's page both ask for them.
pub(super) fn account_fields(
    idp: &Idp,
    lang: Lang,
    values: &SignUpForm,
    errors: &Errors,
) -> maud::Markup {
    let challenge = idp.bot_check_enabled().then(|| idp.bot_challenge());
    html! {
        (input(lang, errors, "password", "password", "", "new-password"))
        p.hint { (lang.f("page.signup.password_rule", &[
            ("min", &idp.settings.password.min_length.to_string()),
            ("max", &idp.settings.password.max_length.to_string()),
        ])) }
        (input(lang, errors, "password_confirm", "password", "", "new-password"))
        div.field.checkbox {
            input id="marketing_opt_in" name="marketing_opt_in" type="checkbox" value="yes"
                checked[values.marketing_opt_in.is_some()];
            label for="marketing_opt_in" { (lang.t("field.marketing_opt_in")) }
        }
        (input(lang, errors, "given_name", "text", &values.given_name, "given-name"))
        (input(lang, errors, "family_name", "text", &values.family_name, "family-name"))
        (input(lang, errors, "birthdate", "date", &values.birthdate, "bday"))
        (bot_check(lang, challenge.as_ref()))
    }
}

fn signup_form(
    idp: &Idp,
    lang: Lang,
    csrf: &str,
    choices: &[super::federation::Choice],
    values: &SignUpForm,
    errors: &Errors,
) -> maud::Markup {
    layout(
        lang,
        &lang.t("page.signup.title"),
        html! {
            (errors.summary(lang))
            (super::federation_buttons(
                lang,
                csrf,
                choices,
                values.return_to.as_deref().and_then(idp_core::local_path).unwrap_or("/account"),
            ))
            form method="post" action="/signup" {
                (csrf_field(csrf))
                @if let Some(path) = values.return_to.as_deref().and_then(idp_core::local_path) {
                    input type="hidden" name="return_to" value=(path);
                }
                (input(lang, errors, "email", "email", &values.email, "email"))
                (account_fields(idp, lang, values, errors))
                (button(&lang.t("button.create_account")))
            }
            p { (lang.t("page.signup.have_account")) " " a href="/login" { (lang.t("nav.sign_in")) } }
        },
    )
}

fn check_your_email(lang: Lang, email: &str) -> maud::Markup {
    layout(
        lang,
        &lang.t("page.check_email.title"),
        html! {
            p role="status" { (lang.f("page.check_email.body", &[("email", email.trim())])) }
            p { (lang.t("page.check_email.spam")) }
            p { a href="/login" { (lang.t("nav.sign_in")) } }
        },
    )
}
