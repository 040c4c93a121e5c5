//! The OpenID Connect / OAuth 2.0 endpoints. Clients find them through
//! discovery, not by these paths.

mod authorize;
mod client_request;
mod consent;
mod discovery;
mod introspection;
mod redirect;
mod registration;
mod token;
mod userinfo;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/.well-known/openid-configuration",
        web::get().to(discovery::openid_configuration),
    )
    .route(
        "/.well-known/oauth-authorization-server",
        web::get().to(discovery::openid_configuration),
    )
    .route("/jwks", web::get().to(discovery::jwks))
    .service(
        web::resource("/authorize")
            .route(web::get().to(authorize::get))
            .route(web::post().to(authorize::post)),
    )
    .route("/authorize/resume", web::get().to(authorize::resume))
    .route("/authorize/consent", web::post().to(authorize::answer))
    .route("/token", web::post().to(token::token))
    .route("/introspect", web::post().to(introspection::introspect))
    .route("/revoke", web::post().to(introspection::revoke))
    .route("/register", web::post().to(registration::register))
    .service(
        web::resource("/register/{client_id}")
            .route(web::get().to(registration::read))
            .route(web::put().to(registration::replace))
            .route(web::delete().to(registration::remove)),
    )
    .service(
        web::resource("/userinfo")
            .route(web::get().to(userinfo::userinfo))
            .route(web::post().to(userinfo::userinfo)),
    );
}
