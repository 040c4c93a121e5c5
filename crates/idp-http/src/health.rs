//! `/healthz`: the process answers. `/readyz`: and its database does too.

use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::{get, web, HttpResponse};
use idp_core::Idp;

use crate::blocking::{self, Failure};

#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// Set when the process is shutting down: `/readyz` fails from then on, so
/// that load balancers stop sending before the listener closes.
#[derive(Debug, Default)]
pub struct Draining(AtomicBool);

impl Draining {
    pub fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn is_on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

#[get("/readyz")]
pub async fn readyz(idp: web::Data<Idp>, draining: Option<web::Data<Draining>>) -> HttpResponse {
    if draining.is_some_and(|d| d.is_on()) {
        return HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "shutting down"}));
    }
    match blocking::run(move || idp.db.ping().map_err(Failure::from)).await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ready"})),
        Err(_) => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "database unreachable"})),
    }
}
