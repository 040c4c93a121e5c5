//! The UserInfo endpoint (OIDC Core §5.3) with RFC 6750 bearer errors.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use idp_core::oauth::UserInfo;

use crate::bearer::{self, Refusal};
use crate::error::UserInfoError;
use crate::{blocking, signed_in};

pub async fn userinfo(req: HttpRequest, body: Bytes) -> Result<HttpResponse, UserInfoError> {
    let token =
        bearer::presented(&req, &body)?.ok_or_else(|| Refusal::no_token("send an access token"))?;
    let idp = signed_in::idp(&req);
    let info = blocking::run(move || idp.userinfo(&token).map_err(UserInfoError::from)).await?;
    let mut response = HttpResponse::Ok();
    response.insert_header(("Cache-Control", "no-store"));
    Ok(match info {
        UserInfo::Claims(claims) => response.json(claims),
        // The client registered userinfo_signed_response_alg.
        UserInfo::Signed(jwt) => response.content_type("application/jwt").body(jwt),
    })
}
