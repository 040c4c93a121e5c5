//! The UserInfo endpoint (OIDC Core §5.3) with RFC 6750 bearer errors.

use actix_web::http::header::AUTHORIZATION;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use idp_core::accounts::Account;
use idp_core::oauth::userinfo_claims;

use crate::signed_in;

fn bearer_error(status: StatusCode, error: Option<(&str, &str)>) -> HttpResponse {
    let challenge = match error {
        Some((code, description)) => {
            format!("Bearer realm=\"idp\", error=\"{code}\", error_description=\"{description}\"")
        }
        None => "Bearer realm=\"idp\"".to_owned(),
    };
    let mut response = HttpResponse::build(status);
    response
        .insert_header(("WWW-Authenticate", challenge))
        .insert_header(("Cache-Control", "no-store"));
    match error {
        Some((code, description)) => {
            response.json(serde_json::json!({"error": code, "error_description": description}))
        }
        None => response.finish(),
    }
}

/// The token from the header, or from a form body on POST (RFC 6750 §2.1-2.2).
fn presented_token(req: &HttpRequest, body: &[u8]) -> Result<Option<String>, &'static str> {
    let header = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let in_body = (req.method() == actix_web::http::Method::POST
        && req.content_type() == "application/x-www-form-urlencoded")
        .then(|| {
            url::form_urlencoded::parse(body)
                .find(|(k, _)| k == "access_token")
                .map(|(_, v)| v.into_owned())
        })
        .flatten();
    match (header, in_body) {
        (Some(_), Some(_)) => Err("send the token in one place only"),
        (Some(h), None) => match h
            .strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
        {
            Some(token) => Ok(Some(token.trim().to_owned())),
            None => Err("the Authorization header is not a Bearer token"),
        },
        (None, body) => Ok(body),
    }
}

pub async fn userinfo(req: HttpRequest, body: Bytes) -> HttpResponse {
    let token = match presented_token(&req, &body) {
        Ok(Some(t)) => t,
        Ok(None) => return bearer_error(StatusCode::UNAUTHORIZED, None),
        Err(description) => {
            return bearer_error(
                StatusCode::BAD_REQUEST,
                Some(("invalid_request", description)),
            )
        }
    };
    let idp = signed_in::idp(&req);
    let found = actix_web::web::block(move || {
        let Some(claims) = idp.verify_access_token(&token)? else {
            return Ok::<_, idp_core::db::StoreError>(None);
        };
        // A client's own token (client credentials) is about no person.
        let Some(account_id) = claims.account_id.clone() else {
            return Ok(None);
        };
        let account = idp.db.read(|conn| {
            Account::find(conn, &account_id).map_err(idp_core::db::StoreError::from)
        })?;
        let Some(account) = account else {
            return Ok(None);
        };
        let mut body = userinfo_claims(&claims.sub, &account, &claims.scopes);
        let client = idp.client(&claims.client_id).ok().flatten();
        let signed = client
            .as_ref()
            .and_then(|c| c.metadata.userinfo_signed_response_alg.as_deref())
            .and_then(idp_core::keys::Alg::parse)
            .map(|alg| {
                body.insert("iss".into(), serde_json::json!(idp.settings.issuer));
                body.insert("aud".into(), serde_json::json!(claims.client_id));
                idp.signing
                    .sign_jwt(alg, "JWT", &serde_json::Value::Object(body.clone()))
            });
        Ok(Some((claims, body, signed)))
    })
    .await;
    match found {
        Ok(Ok(Some((claims, body, signed)))) => {
            if !claims.scopes.contains("openid") {
                return bearer_error(
                    StatusCode::FORBIDDEN,
                    Some((
                        "insufficient_scope",
                        "the token was not issued with scope openid",
                    )),
                );
            }
            let mut response = HttpResponse::Ok();
            response.insert_header(("Cache-Control", "no-store"));
            match signed {
                // The client registered userinfo_signed_response_alg.
                Some(jwt) => response.content_type("application/jwt").body(jwt),
                None => response.json(body),
            }
        }
        Ok(Ok(None)) => bearer_error(
            StatusCode::UNAUTHORIZED,
            Some((
                "invalid_token",
                "the access token is invalid, expired or revoked",
            )),
        ),
        _ => HttpResponse::ServiceUnavailable()
            .insert_header(("Cache-Control", "no-store"))
            .finish(),
    }
}
