//! The page frame, form building blocks and the error page.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use idp_core::accounts::{AccountError, FieldError};
use maud::{html, Markup, DOCTYPE};

use crate::error::{account_message, field_message};
use crate::lang::Lang;

use super::brand;

pub fn layout(lang: Lang, title: &str, body: Markup) -> Markup {
    brand::with(|page| {
        let brand = &page.brand;
        html! {
            (DOCTYPE)
            html lang=(lang.0) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · " (brand.product_name) }
                    link rel="stylesheet" href="/static/style.css";
                    link rel="stylesheet" href="/brand/theme.css";
                    script src="/static/page.js" defer {}
                }
                body {
                    a.skip href="#main" { (lang.t("layout.skip")) }
                    header {
                        a.brand href="/account" {
                            @if brand.logo.is_some() {
                                img src="/brand/logo" alt=(brand.product_name) height="32";
                            } @else {
                                (brand.product_name)
                            }
                        }
                        (language_switcher(lang, &page.here))
                    }
                    main id="main" tabindex="-1" {
                        h1 { (title) }
                        div.alert.cookies-off hidden role="alert" {
                            strong { (lang.t("cookies.off.title")) }
                            " " (lang.t("cookies.off.body"))
                        }
                        (body)
                    }
                    @if let Some(url) = &brand.support_url {
                        footer { a href=(url) { (lang.t("layout.support")) } }
                    }
                }
            }
        }
    })
}

/// Links to this page in each other language; each names its language in
/// that language (and says so with `lang`, for screen readers).
fn language_switcher(lang: Lang, here: &str) -> Markup {
    html! {
        nav.languages aria-label=(lang.t("language.switcher")) {
            ul {
                @for tag in idp_core::i18n::languages() {
                    li {
                        @if tag == lang.0 {
                            span lang=(tag) aria-current="true" { (idp_core::i18n::language_name(tag)) }
                        } @else {
                            @let href = format!("/language?{}", url::form_urlencoded::Serializer::new(String::new())
                                .append_pair("lang", tag)
                                .append_pair("return_to", here)
                                .finish());
                            a href=(href) lang=(tag) hreflang=(tag) { (idp_core::i18n::language_name(tag)) }
                        }
                    }
                }
            }
        }
    }
}

pub fn render(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(markup.into_string())
}

pub fn ok(markup: Markup) -> HttpResponse {
    render(StatusCode::OK, markup)
}

pub fn error_page(status: StatusCode, lang: &'static str, message: &str) -> HttpResponse {
    let lang = Lang(lang);
    let title = lang.t("page.error.title");
    render(
        status,
        layout(
            lang,
            &title,
            html! {
                p.alert role="alert" { (message) }
                p { a href="/login" { (lang.t("nav.sign_in")) } }
            },
        ),
    )
}

/// An error page's message in every language, attached to the response so
/// that `localize_error_pages` can show it in the reader's language (error
/// responses are built without the request at hand).
pub struct ErrorTexts(pub Vec<(&'static str, String)>);

/// [`error_page`] in the fallback language, carrying its other translations.
pub fn translatable_error_page(
    status: StatusCode,
    message: impl Fn(&'static str) -> String,
) -> HttpResponse {
    let texts: Vec<(&'static str, String)> = idp_core::i18n::languages()
        .map(|l| (l, message(l)))
        .collect();
    let fallback = texts
        .iter()
        .find(|(l, _)| *l == idp_core::i18n::FALLBACK)
        .map(|(_, m)| m.clone())
        .unwrap_or_default();
    let mut response = error_page(status, idp_core::i18n::FALLBACK, &fallback);
    response.extensions_mut().insert(ErrorTexts(texts));
    response
}

/// Re-renders error pages in the language of the request.
pub async fn localize_error_pages(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let lang = crate::lang::of(req.request());
    let res = next.call(req).await?;
    if lang.0 == idp_core::i18n::FALLBACK {
        return Ok(res.map_into_boxed_body());
    }
    let text = res
        .response()
        .extensions()
        .get::<ErrorTexts>()
        .and_then(|t| {
            t.0.iter()
                .find(|(l, _)| *l == lang.0)
                .map(|(_, m)| m.clone())
        });
    match text {
        Some(message) => {
            let status = res.status();
            let mut page = error_page(status, lang.0, &message);
            // The one header an error page may carry besides its own (a busy server's).
            let retry_after = actix_web::http::header::RETRY_AFTER;
            if let Some(value) = res.headers().get(&retry_after).cloned() {
                page.headers_mut().insert(retry_after, value);
            }
            Ok(res.into_response(page))
        }
        None => Ok(res.map_into_boxed_body()),
    }
}

/// A 303 to `location`, the answer to a successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .insert_header(("Cache-Control", "no-store"))
        .finish()
}

/// Problems to show on a form: per field, and for the form as a whole.
#[derive(Default)]
pub struct Errors {
    fields: Vec<(&'static str, String)>,
    pub form: Option<String>,
    /// Element ids of fields whose id is not their name.
    anchors: Vec<(&'static str, &'static str)>,
}

impl Errors {
    pub fn from_account(lang: Lang, e: &AccountError) -> Self {
        match e {
            AccountError::Invalid(fields) => Self::from_fields(lang, fields),
            other => Self::form(account_message(lang.0, other)),
        }
    }

    pub fn from_fields(lang: Lang, fields: &[FieldError]) -> Self {
        Self {
            fields: fields
                .iter()
                .map(|f| (f.field, field_message(lang.0, f)))
                .collect(),
            ..Self::default()
        }
    }

    pub fn form(message: String) -> Self {
        Self {
            form: Some(message),
            ..Self::default()
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Where the summary's link to `field` goes, when its input's id is not its name.
    pub fn anchor(mut self, field: &'static str, id: &'static str) -> Self {
        self.anchors.push((field, id));
        self
    }

    /// Every problem at the top of the form, each field's a link to it. The
    /// page script moves focus here, and `role=alert` announces it.
    pub fn summary(&self, lang: Lang) -> Markup {
        if self.form.is_none() && self.fields.is_empty() {
            return html! {};
        }
        html! {
            div.error-summary.alert role="alert" tabindex="-1" aria-labelledby="error-summary-title" {
                @if self.fields.is_empty() {
                    p id="error-summary-title" { (self.form.as_deref().unwrap_or_default()) }
                } @else {
                    h2 id="error-summary-title" { (lang.t("layout.errors_title")) }
                    @if let Some(message) = &self.form {
                        p { (message) }
                    }
                    ul {
                        @for (field, message) in &self.fields {
                            @let id = self.anchors.iter().find(|(f, _)| f == field).map_or(*field, |(_, id)| *id);
                            li { a href=(format!("#{id}")) { (message) } }
                        }
                    }
                }
            }
        }
    }
}

/// A labelled input with its error next to it (and tied to it for screen readers).
pub fn input(
    lang: Lang,
    errors: &Errors,
    name: &str,
    kind: &str,
    value: &str,
    autocomplete: &str,
) -> Markup {
    input_with_id(lang, errors, name, name, kind, value, autocomplete)
}

/// [`input`] with an element id of its own, for a field name that appears
/// in more than one form on a page (ids must be unique for labels to work).
pub fn input_with_id(
    lang: Lang,
    errors: &Errors,
    id: &str,
    name: &str,
    kind: &str,
    value: &str,
    autocomplete: &str,
) -> Markup {
    Field {
        id,
        required: true,
        ..Field::optional(name, Control::Input(kind), value, autocomplete)
    }
    .render(lang, errors)
}

/// How a field takes its value.
pub enum Control<'a> {
    /// `<input type=…>`
    Input(&'a str),
    /// Several lines (a street address).
    TextArea,
}

/// A labelled form field with an optional hint and its error, both tied to
/// the control for screen readers (`aria-describedby`).
pub struct Field<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub control: Control<'a>,
    pub value: &'a str,
    pub autocomplete: &'a str,
    pub required: bool,
    pub hint: Option<String>,
}

impl<'a> Field<'a> {
    /// A field that may be left empty; its id is its name.
    pub fn optional(
        name: &'a str,
        control: Control<'a>,
        value: &'a str,
        autocomplete: &'a str,
    ) -> Self {
        Self {
            id: name,
            name,
            control,
            value,
            autocomplete,
            required: false,
            hint: None,
        }
    }

    pub fn hint(self, hint: String) -> Self {
        Self {
            hint: Some(hint),
            ..self
        }
    }

    pub fn render(&self, lang: Lang, errors: &Errors) -> Markup {
        let (id, name) = (self.id, self.name);
        let error = errors.get(name);
        let hint_id = format!("{id}-hint");
        let error_id = format!("{id}-error");
        let described: Vec<&str> = [
            self.hint.as_ref().map(|_| hint_id.as_str()),
            error.map(|_| error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let described = (!described.is_empty()).then(|| described.join(" "));
        let invalid = error.map(|_| "true");
        html! {
            div.field {
                label for=(id) { (lang.t(&format!("field.{name}"))) }
                @if let Some(hint) = &self.hint {
                    p.hint id=(hint_id) { (hint) }
                }
                @match self.control {
                    Control::Input(kind) => {
                        input id=(id) name=(name) type=(kind) value=(self.value)
                            autocomplete=(self.autocomplete) required[self.required]
                            aria-invalid=[invalid] aria-describedby=[described];
                    }
                    Control::TextArea => {
                        textarea id=(id) name=(name) rows="3" autocomplete=(self.autocomplete)
                            required[self.required] aria-invalid=[invalid]
                            aria-describedby=[described] { (self.value) }
                    }
                }
                @if let Some(message) = error {
                    p.error id=(error_id) { (message) }
                }
            }
        }
    }
}

pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(token); }
}

pub fn button(label: &str) -> Markup {
    html! { button type="submit" { (label) } }
}

/// The proof-of-work robot check (solved by /static/botcheck.js).
pub fn bot_check(lang: Lang, challenge: Option<&idp_core::botcheck::Challenge>) -> Markup {
    let Some(c) = challenge else {
        return html! {};
    };
    html! {
        div.bot-check data-difficulty=(c.difficulty) {
            input type="hidden" name="bot_challenge" value=(c.challenge);
            input type="hidden" name="bot_solution" value="";
            p.bot-status role="status" data-done=(lang.t("bot_check.done")) { (lang.t("bot_check.working")) }
            noscript { p.alert { (lang.t("bot_check.needs_javascript")) } }
        }
        script src="/static/botcheck.js" defer {}
    }
}
