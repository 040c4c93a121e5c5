//! `/healthz`: the process answers. `/readyz`: and its database does too.

use actix_web::{get, web, HttpResponse};
use idp_core::Idp;

#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

#[get("/readyz")]
pub async fn readyz(idp: web::Data<Idp>) -> HttpResponse {
    match web::block(move || idp.db.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(serde_json::json!({"status": "ready"})),
        _ => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "database unreachable"})),
    }
}
