//! Sending an authorization response back to the client, in the response
//! mode it asked for, always with `iss` (RFC 9207).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use idp_core::oauth::ResponseMode;
use maud::html;

/// Parameters appended to a redirect URI after `separator`.
fn append(uri: &str, separator: char, params: &[(&str, &str)]) -> String {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let glue = if uri.contains(separator) {
        '&'
    } else {
        separator
    };
    format!("{uri}{glue}{encoded}")
}

pub fn respond(
    redirect_uri: &str,
    mode: ResponseMode,
    params: &[(&str, &str)],
    status: StatusCode,
) -> HttpResponse {
    match mode {
        ResponseMode::Query => location(&append(redirect_uri, '?', params), status),
        ResponseMode::Fragment => location(&append(redirect_uri, '#', params), status),
        ResponseMode::FormPost => {
            let page = html! {
                (maud::DOCTYPE)
                html {
                    head { meta charset="utf-8"; title { "…" } script src="/static/form_post.js" defer {} }
                    body {
                        form method="post" action=(redirect_uri) {
                            @for (name, value) in params {
                                input type="hidden" name=(name) value=(value);
                            }
                            noscript { button type="submit" { (crate::lang::text(idp_core::i18n::FALLBACK, "button.continue")) } }
                        }
                    }
                }
            };
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header(("Cache-Control", "no-store"))
                .body(page.into_string())
        }
    }
}

fn location(target: &str, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(("Location", target))
        .insert_header(("Cache-Control", "no-store"))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::append;

    #[test]
    fn parameters_join_existing_queries() {
        assert_eq!(
            append("https://a/cb", '?', &[("code", "x y")]),
            "https://a/cb?code=x+y"
        );
        assert_eq!(
            append("https://a/cb?k=1", '?', &[("code", "x")]),
            "https://a/cb?k=1&code=x"
        );
    }
}
