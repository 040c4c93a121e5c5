//! `/metrics`: counted here for every HTTP request (route template, method,
//! status, latency), served on its own listener (`metrics_bind`), never on
//! the public one.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use idp_core::metrics::HttpLabels;
use idp_core::Idp;

use crate::blocking::{self, Failure};

/// What a route is called when no route matched (scanners' paths would
/// otherwise each make a label).
const UNMATCHED: &str = "unmatched";

pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    let metrics = req
        .app_data::<web::Data<Idp>>()
        .map(|idp| idp.metrics.clone());
    let res = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| UNMATCHED.to_owned());
        let labels = HttpLabels {
            method,
            route,
            status: res.status().as_u16(),
        };
        metrics.http_request(labels, started.elapsed().as_secs_f64());
    }
    Ok(res)
}

/// Methods by name; any other is one label, for the same reason as routes.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The scrape: state gauges are read now (one database query for the mail
/// queue), off the async workers.
pub async fn scrape(idp: web::Data<Idp>) -> Result<HttpResponse, actix_web::Error> {
    let text = blocking::run(move || Ok::<_, Failure>(idp.metrics.render(&idp)))
        .await
        .map_err(actix_web::error::ErrorServiceUnavailable)?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(text))
}
