//! `/healthz`: the process answers. `/readyz`: and its database does too.

use actix_web::{get, web, HttpResponse};
use idp_core::Idp;

use crate::blocking::{self, Failure};

#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

#[get("/readyz")]
pub async fn readyz(idp: web::Data<Idp>) -> HttpResponse {
    match blocking::run(move || idp.db.ping().map_err(Failure::from)).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ready"})),
        Err(_) => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "database unreachable"})),
    }
}
