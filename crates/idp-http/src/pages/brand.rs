//! The operator's brand and the request a page is rendered for, available
//! to the page frame without every handler passing them along: a
//! middleware sets them per request, like `origin` does for the audit trail.

use std::sync::{Arc, OnceLock};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::branding::{BrandingSettings, Logo};
use idp_core::i18n::{self, Overrides};
use idp_core::Idp;

use crate::lang::{self, Chosen};

/// What every page shows of the operator, read once at start.
pub struct Brand {
    pub product_name: String,
    pub logo: Option<Logo>,
    pub support_url: Option<String>,
    /// The colour variables and the operator's own style sheet.
    pub theme_css: String,
    /// The operator's own wording of idp's messages.
    pub wording: Arc<Overrides>,
}

impl Brand {
    pub fn load(settings: &BrandingSettings, wording: Arc<Overrides>) -> Self {
        let logo = settings.logo_file.as_deref().and_then(|path| {
            Logo::read(path)
                .inspect_err(|e| tracing::warn!(error = %e, "branding.logo_file is not shown"))
                .ok()
        });
        let mut theme_css = format!(":root{{--brand:{}}}\n", settings.primary_color);
        if let Some(custom) = settings.custom_css() {
            theme_css.push_str(&custom);
        }
        Self {
            product_name: settings.product_name.trim().to_owned(),
            logo,
            support_url: settings.support_url.clone(),
            theme_css,
            wording,
        }
    }
}

/// The request a page is being rendered for.
pub struct Page {
    pub brand: Arc<Brand>,
    /// Path and query, where the language switcher brings the reader back to.
    pub here: String,
    /// The request's language, for responses built without the request at
    /// hand (the JSON API's error descriptions).
    pub lang: &'static str,
}

tokio::task_local! {
    static PAGE: Page;
}

/// Sets [`Page`] for the request, and keeps a language an app asked for
/// (`ui_locales`) for the rest of the visit, so that the forms posted from
/// its pages, and the emails they send, are in that language too.
pub async fn provide(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let brand = req
        .app_data::<web::Data<Brand>>()
        .map(|b| b.clone().into_inner())
        .unwrap_or_else(default_brand);
    let here = switcher_return(req.path(), req.query_string());
    let (chosen, how) = lang::choose(req.request());
    let keep =
        (how == Chosen::ByApp && lang::saved(req.request()) != Some(chosen.0)).then_some(chosen.0);
    let secure = req
        .app_data::<web::Data<Idp>>()
        .is_some_and(|idp| idp.settings.secure_cookies());
    let page = Page {
        brand,
        here,
        lang: chosen.0,
    };
    let mut res = PAGE.scope(page, next.call(req)).await?;
    if let Some(tag) = keep {
        // A session cookie: the app's wish lasts this visit, a choice made
        // with the switcher lasts a year.
        let _ = res
            .response_mut()
            .add_cookie(&lang::cookie(tag, secure, false));
    }
    Ok(res)
}

/// Where the language switcher of a page leads back to: the page itself,
/// except an upstream's answer (`/federation/{id}/callback?code=…&state=…`),
/// which is spent once and whose code must not be repeated in the page's
/// links: its switcher leads to the sign-in page.
fn switcher_return(path: &str, query: &str) -> String {
    if path.starts_with("/federation/") && path.ends_with("/callback") {
        return "/login".to_owned();
    }
    match query {
        "" => path.to_owned(),
        q => format!("{path}?{q}"),
    }
}

/// The language of the request being served (the fallback outside one).
pub fn current_lang() -> &'static str {
    PAGE.try_with(|p| p.lang).unwrap_or(i18n::FALLBACK)
}

fn default_brand() -> Arc<Brand> {
    static DEFAULT: OnceLock<Arc<Brand>> = OnceLock::new();
    DEFAULT
        .get_or_init(|| {
            Arc::new(Brand::load(
                &BrandingSettings::default(),
                Arc::new(Overrides::default()),
            ))
        })
        .clone()
}

/// Runs `f` with the page being rendered (defaults outside a request).
pub fn with<R>(f: impl FnOnce(&Page) -> R) -> R {
    let mut f = Some(f);
    match PAGE.try_with(|p| (f.take().expect("called once"))(p)) {
        Ok(r) => r,
        Err(_) => (f.take().expect("not called yet"))(&Page {
            brand: default_brand(),
            here: "/account".into(),
            lang: i18n::FALLBACK,
        }),
    }
}

#[derive(serde::Deserialize)]
pub struct Switch {
    lang: String,
    return_to: Option<String>,
}

/// `GET /language?lang=ro&return_to=/login?…`: the switcher's links. It
/// changes only how pages are shown, so it is a link rather than a form;
/// the language of an account's emails is saved on My Profile.
pub async fn switch(
    idp: web::Data<Idp>,
    query: web::Query<Switch>,
    req: HttpRequest,
) -> HttpResponse {
    let Some(tag) = i18n::languages().find(|l| *l == query.lang) else {
        let lang = lang::of(&req);
        return super::layout::error_page(
            actix_web::http::StatusCode::BAD_REQUEST,
            lang.0,
            &lang.t("error.locale_unsupported"),
        );
    };
    let back = super::safe_return_to(query.return_to.as_deref());
    let cookie = lang::cookie(tag, idp.settings.secure_cookies(), true);
    let mut res = super::see_other(&without_ui_locales(back));
    let _ = res.add_cookie(&cookie);
    res
}

/// An app's `ui_locales` outranks the reader's choice, so it is dropped
/// from the page the reader goes back to.
fn without_ui_locales(path: &str) -> String {
    let Some((base, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "ui_locales")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return base.to_owned();
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{base}?{query}")
}

/// `/brand/theme.css`: the brand colour and the operator's style sheet.
pub async fn theme(brand: web::Data<Brand>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=300"))
        .body(brand.theme_css.clone())
}

/// `/brand/logo`: the operator's logo (404 without one).
pub async fn logo(brand: web::Data<Brand>) -> HttpResponse {
    match &brand.logo {
        Some(logo) => HttpResponse::Ok()
            .content_type(logo.content_type)
            .insert_header(("Cache-Control", "public, max-age=300"))
            // An SVG opened on its own must not run scripts.
            .insert_header((
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ))
            .body(logo.bytes.clone()),
        None => HttpResponse::NotFound().finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::{switcher_return, without_ui_locales};

    #[test]
    fn the_switcher_does_not_repeat_an_upstream_answer() {
        assert_eq!(switcher_return("/signup", ""), "/signup");
        assert_eq!(
            switcher_return("/verify-email", "token=abc"),
            "/verify-email?token=abc"
        );
        assert_eq!(
            switcher_return("/federation/google/callback", "code=secret&state=s"),
            "/login"
        );
    }

    #[test]
    fn the_return_path_loses_only_ui_locales() {
        assert_eq!(without_ui_locales("/login"), "/login");
        assert_eq!(without_ui_locales("/login?ui_locales=de"), "/login");
        assert_eq!(
            without_ui_locales("/login?return_to=%2Fauthorize%3Fa%3D1&ui_locales=de+fr"),
            "/login?return_to=%2Fauthorize%3Fa%3D1"
        );
    }
}
