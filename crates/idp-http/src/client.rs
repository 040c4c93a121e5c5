//! Who is asking: the client address (for throttling) and user agent.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use idp_core::sessions::ClientInfo;
use idp_core::Idp;

pub struct Client(pub ClientInfo);

impl FromRequest for Client {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user_agent = req
            .headers()
            .get("User-Agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        ready(Ok(Client(ClientInfo {
            ip_address: address(req),
            user_agent,
        })))
    }
}

/// The caller's address: the peer, or behind a trusted proxy the address
/// the proxy reported.
pub fn address(req: &HttpRequest) -> String {
    let trust_proxy = req
        .app_data::<web::Data<Idp>>()
        .is_some_and(|idp| idp.settings.trust_forwarded_for);
    let forwarded = trust_proxy
        .then(|| {
            req.headers()
                .get("X-Forwarded-For")
                .and_then(|v| v.to_str().ok())
                // The right-most entry is the one our proxy added; the
                // ones before it are whatever the client claimed.
                .and_then(|v| v.rsplit(',').next())
                .map(|v| v.trim().to_owned())
        })
        .flatten();
    forwarded
        .or_else(|| req.peer_addr().map(|a| a.ip().to_string()))
        .unwrap_or_else(|| "unknown".into())
}
