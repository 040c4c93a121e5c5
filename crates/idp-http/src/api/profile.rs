//! "My Profile" over JSON.

use actix_web::{web, HttpRequest, HttpResponse};
use idp_core::accounts::{Account, ContactDetails, ContactUpdate, PostalAddress, ProfileUpdate};
use idp_core::Idp;
use serde::{Deserialize, Deserializer, Serialize};

use super::accounts::TokenBody;
use super::{accepted, json, no_content, require_user};
use crate::blocking;
use crate::error::ApiError;
use crate::signed_in::removal_cookie;

#[derive(Serialize)]
pub struct Profile {
    id: String,
    email: String,
    email_verified: bool,
    given_name: String,
    family_name: String,
    birthdate: Option<String>,
    marketing_opt_in: bool,
    locale: String,
    /// E.164, or null.
    phone_number: Option<String>,
    /// The parts that are set, or null when none is.
    address: Option<PostalAddress>,
}

impl Profile {
    pub fn of(a: &Account, contact: ContactDetails) -> Self {
        Self {
            id: a.id.clone(),
            email: a.email.clone(),
            email_verified: a.email_verified,
            given_name: a.given_name.clone(),
            family_name: a.family_name.clone(),
            birthdate: a.birthdate.map(|d| d.to_string()),
            marketing_opt_in: a.marketing_opt_in,
            locale: a.locale.clone(),
            phone_number: contact.phone_number,
            address: Some(contact.address).filter(|a| !a.is_empty()),
        }
    }
}

pub async fn get(req: HttpRequest, idp: web::Data<Idp>) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let id = user.account.id.clone();
    let contact = blocking::run(move || idp.contact_details(&id).map_err(ApiError::from)).await?;
    Ok(json(&Profile::of(&user.account, contact)))
}

/// A field that may be null: `Some(None)` when the body says null, `None`
/// (by `default`) when it leaves the field out.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateBody {
    given_name: Option<String>,
    family_name: Option<String>,
    birthdate: Option<String>,
    /// `""` or null removes the number.
    #[serde(default, deserialize_with = "present")]
    phone_number: Option<Option<String>>,
    /// Replaces the whole address (parts left out are removed); null
    /// removes it.
    #[serde(default, deserialize_with = "present")]
    address: Option<Option<PostalAddress>>,
}

/// Fields left out keep their current value.
pub async fn update(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<UpdateBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let a = user.account;
    let b = body.into_inner();
    let mut update = ProfileUpdate {
        given_name: b.given_name.unwrap_or(a.given_name),
        family_name: b.family_name.unwrap_or(a.family_name),
        birthdate: b
            .birthdate
            .unwrap_or_else(|| a.birthdate.map(|d| d.to_string()).unwrap_or_default()),
        contact: None,
    };
    let id = a.id;
    let profile = blocking::run(move || {
        if b.phone_number.is_some() || b.address.is_some() {
            let current = idp.contact_details(&id)?;
            update.contact = Some(ContactUpdate {
                phone_number: b
                    .phone_number
                    .unwrap_or(current.phone_number)
                    .unwrap_or_default(),
                address: b
                    .address
                    .unwrap_or(Some(current.address))
                    .unwrap_or_default(),
            });
        }
        idp.update_profile(&id, &update)?;
        Ok::<_, ApiError>(Profile::of(&idp.account(&id)?, idp.contact_details(&id)?))
    })
    .await?;
    Ok(json(&profile))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    current_password: String,
    new_password: String,
    new_password_confirm: String,
}

pub async fn change_password(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<PasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    blocking::run(move || {
        idp.change_password(
            &user.account.id,
            Some(&user.session.id),
            &body.current_password,
            &body.new_password,
            &body.new_password_confirm,
        )
        .map_err(ApiError::from)
    })
    .await?;
    Ok(no_content())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailChangeBody {
    new_email: String,
    current_password: String,
}

pub async fn change_email(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<EmailChangeBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    blocking::run(move || {
        idp.request_email_change(&user.account.id, &body.new_email, &body.current_password)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(accepted("check_email"))
}

pub async fn confirm_email_change(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<TokenBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let email = blocking::run(move || {
        idp.confirm_email_change(&body.token, &user.account.id)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(json(&serde_json::json!({ "email": email.as_str() })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketingBody {
    subscribed: bool,
}

pub async fn set_marketing(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<MarketingBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let subscribed = body.subscribed;
    blocking::run(move || {
        idp.set_marketing(&user.account.id, subscribed)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(json(&serde_json::json!({ "subscribed": subscribed })))
}

pub async fn unsubscribe(
    idp: web::Data<Idp>,
    body: web::Json<TokenBody>,
) -> Result<HttpResponse, ApiError> {
    blocking::run(move || idp.unsubscribe(&body.token).map_err(ApiError::from)).await?;
    Ok(no_content())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteBody {
    password: String,
}

pub async fn delete(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<DeleteBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let core = idp.clone();
    blocking::run(move || {
        core.delete_account(&user.account.id, &body.password)
            .map_err(ApiError::from)
    })
    .await?;
    let mut response = no_content();
    let _ = response.add_cookie(&removal_cookie(&idp));
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageBody {
    locale: String,
}

pub async fn set_language(
    req: HttpRequest,
    idp: web::Data<Idp>,
    body: web::Json<LanguageBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&req).await?;
    let locale = body.into_inner().locale;
    let saved = locale.clone();
    blocking::run(move || {
        idp.set_language(&user.account.id, &saved)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(json(&serde_json::json!({ "locale": locale })))
}
