//! Where each request came from, for the audit trail: set once per request
//! here and carried by `blocking::run` into the core calls the request
//! makes (`idp_core::audit::with_origin`), so that domain functions record
//! the address and user agent without taking them as parameters.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use idp_core::audit::Origin;

tokio::task_local! {
    static ORIGIN: Origin;
}

pub async fn set_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let user_agent = req
        .headers()
        .get("User-Agent")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let origin = Origin {
        ip_address: Some(crate::client::address(req.request())),
        user_agent,
        actor: None,
    };
    ORIGIN.scope(origin, next.call(req)).await
}

/// The origin of the request being served; `None` outside one
/// (housekeeping, the mail worker).
pub fn current() -> Option<Origin> {
    ORIGIN.try_with(Origin::clone).ok()
}
