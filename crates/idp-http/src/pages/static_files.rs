//! The stylesheet and the scripts (robot check, form post, page, passkeys), compiled
//! into the binary.

use actix_web::{get, HttpResponse};

#[get("/static/style.css")]
pub async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../../static/style.css"))
}

fn script(body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(body)
}

#[get("/static/botcheck.js")]
pub async fn botcheck() -> HttpResponse {
    script(include_str!("../../static/botcheck.js"))
}

#[get("/static/form_post.js")]
pub async fn form_post() -> HttpResponse {
    script(include_str!("../../static/form_post.js"))
}

#[get("/static/page.js")]
pub async fn page() -> HttpResponse {
    script(include_str!("../../static/page.js"))
}

#[get("/static/passkeys.js")]
pub async fn passkeys() -> HttpResponse {
    script(include_str!("../../static/passkeys.js"))
}
