//! `/.well-known/openid-configuration` (and the RFC 8414 twin) and the JWKS:
//! only what is implemented is advertised.

use actix_web::{web, HttpResponse};
use idp_core::Idp;
use serde_json::json;

use crate::blocking::{self, Failure};

pub async fn openid_configuration(idp: web::Data<Idp>) -> HttpResponse {
    let issuer = &idp.settings.issuer;
    let languages: Vec<&str> = idp_core::i18n::languages().collect();
    let mut document = metadata(issuer, &languages);
    if idp.settings.oauth.dynamic_registration {
        document["registration_endpoint"] = json!(format!("{issuer}/register"));
    }
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=300"))
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .json(document)
}

fn metadata(issuer: &str, languages: &[&str]) -> serde_json::Value {
    json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "userinfo_endpoint": format!("{issuer}/userinfo"),
            "jwks_uri": format!("{issuer}/jwks"),
            "end_session_endpoint": format!("{issuer}/logout"),
            "introspection_endpoint": format!("{issuer}/introspect"),
            "revocation_endpoint": format!("{issuer}/revoke"),
            "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
            "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
            "scopes_supported": ["openid", "profile", "email", "phone", "address", "offline_access", "organizations"],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"],
            "userinfo_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256", "PS256", "ES256", "EdDSA"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid", "at_hash",
                "name", "given_name", "family_name", "birthdate", "locale", "updated_at",
                "email", "email_verified", "phone_number", "phone_number_verified", "address",
                "organizations"
            ],
            "prompt_values_supported": ["none", "login", "consent", "select_account", "create"],
            "ui_locales_supported": languages,
            "acr_values_supported": idp_core::second_factor::ACR_VALUES,
            "claims_parameter_supported": false,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
            "require_request_uri_registration": false,
            "authorization_response_iss_parameter_supported": true,
            "backchannel_logout_supported": true,
            "backchannel_logout_session_supported": true,
    })
}

pub async fn jwks(idp: web::Data<Idp>) -> HttpResponse {
    let idp = idp.into_inner();
    match blocking::run(move || Ok::<_, Failure>(idp.signing.jwks())).await {
        Ok(jwks) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "public, max-age=60"))
            .insert_header(("Access-Control-Allow-Origin", "*"))
            .content_type("application/jwk-set+json")
            .body(jwks.to_string()),
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}
