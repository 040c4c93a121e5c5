//! Headers every response carries: no framing, no sniffing, no referrer to
//! other sites (links carry tokens), and a CSP that allows only our own files and
//! `data:` images: nothing from other origins, not even apps' logos, since
//! an image fetched from elsewhere tells a third party who opened the page
//! and from which address. No `form-action`: browsers apply it to the
//! redirects after a form is sent, and sign-in and consent end in a
//! redirect to the app.

use actix_web::middleware::DefaultHeaders;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; \
    frame-ancestors 'none'; base-uri 'none'";

pub fn headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Frame-Options", "DENY"))
        .add(("X-Content-Type-Options", "nosniff"))
        // Not `no-referrer`: with it browsers send `Origin: null` on idp's
        // own form posts, which then look like posts from anywhere
        // (csrf::refuse_cross_site). `same-origin` still sends nothing to
        // other sites.
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}
