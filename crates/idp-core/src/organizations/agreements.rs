//! Agreements the operator publishes and only an organization's admin may
//! accept. Each version is its own agreement: a new version needs a new
//! acceptance.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::access::{Access, Actor};
use super::events::record;
use super::tree::Organization;
use super::{OrgError, Page, PageRequest};
use crate::db::schema::{agreement_acceptances as acc, agreements as ag};
use crate::db::DbConnection;
use crate::{now, Idp};

const MAX_TITLE_CHARS: usize = 200;
const MAX_VERSION_CHARS: usize = 50;
/// Fits in one API request (16 KiB); longer texts are published by `url`.
const MAX_BODY_BYTES: usize = 12 * 1024;
const MAX_URL_BYTES: usize = 2000;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ag)]
pub struct Agreement {
    pub id: String,
    pub title: String,
    pub version: String,
    pub body: Option<String>,
    pub url: Option<String>,
    /// `None`: every organization.
    pub organization_id: Option<String>,
    /// With `organization_id`: its branches too.
    pub include_branches: bool,
    pub created_at: NaiveDateTime,
}

/// `createAgreement`'s body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    pub title: String,
    pub version: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub organization_id: Option<String>,
    #[serde(default)]
    pub include_branches: bool,
}

/// An agreement as one organization sees it.
#[derive(Debug, Clone)]
pub struct AgreementStatus {
    pub agreement: Agreement,
    /// `(account id, address, when)` of the acceptance for this organization.
    pub accepted: Option<(String, String, NaiveDateTime)>,
}

fn checked_text(raw: &str, max: usize, what: &'static str) -> Result<String, OrgError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(OrgError::Invalid(what));
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(OrgError::Invalid(what));
    }
    Ok(v.to_owned())
}

impl AgreementInput {
    fn validate(&self) -> Result<(String, String, Option<String>, Option<String>), OrgError> {
        let title = checked_text(
            &self.title,
            MAX_TITLE_CHARS,
            "title is required, at most 200 characters, without control characters",
        )?;
        let version = checked_text(
            &self.version,
            MAX_VERSION_CHARS,
            "version is required, at most 50 characters, without control characters",
        )?;
        let body = self
            .body
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty());
        if body.is_some_and(|b| b.len() > MAX_BODY_BYTES) {
            return Err(OrgError::Invalid(
                "body is longer than 12 KiB; publish a longer text at a url instead",
            ));
        }
        let url = self.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        if let Some(u) = url {
            let parsed =
                url::Url::parse(u).map_err(|_| OrgError::Invalid("url is not an absolute URL"))?;
            if !matches!(parsed.scheme(), "https" | "http") || u.len() > MAX_URL_BYTES {
                return Err(OrgError::Invalid(
                    "url must be an http(s) URL of at most 2000 bytes",
                ));
            }
        }
        if body.is_none() && url.is_none() {
            return Err(OrgError::Invalid(
                "give the agreement's text (body) or a url",
            ));
        }
        if self.include_branches && self.organization_id.is_none() {
            return Err(OrgError::Invalid(
                "include_branches needs an organization_id (without one, the agreement is for all)",
            ));
        }
        Ok((
            title,
            version,
            body.map(str::to_owned),
            url.map(str::to_owned),
        ))
    }
}

/// The agreements that apply to `org`: its own, its ancestors' that include
/// branches, and those for everyone; newest first.
fn applicable(conn: &mut DbConnection, org: &Organization) -> QueryResult<Vec<Agreement>> {
    let ancestors = org.ancestors();
    ag::table
        .filter(
            ag::organization_id
                .is_null()
                .or(ag::organization_id.eq(&org.id))
                .or(ag::include_branches
                    .eq(true)
                    .and(ag::organization_id.eq_any(&ancestors))),
        )
        .order((ag::created_at.desc(), ag::id.asc()))
        .select(Agreement::as_select())
        .load(conn)
}

impl Idp {
    /// The operator publishes an agreement (the admin API).
    pub fn create_agreement(&self, input: &AgreementInput) -> Result<Agreement, OrgError> {
        let (title, version, body, url) = input.validate()?;
        let now = now();
        self.db.write(|conn| {
            if let Some(org_id) = &input.organization_id {
                Organization::find(conn, org_id)?.ok_or(OrgError::NotFound)?;
            }
            let id = crate::crypto::new_id();
            diesel::insert_into(ag::table)
                .values((
                    ag::id.eq(&id),
                    ag::title.eq(&title),
                    ag::version.eq(&version),
                    ag::body.eq(&body),
                    ag::url.eq(&url),
                    ag::organization_id.eq(&input.organization_id),
                    ag::include_branches.eq(input.include_branches),
                    ag::created_at.eq(now),
                ))
                .execute(conn)?;
            Ok(ag::table
                .find(&id)
                .select(Agreement::as_select())
                .first(conn)?)
        })
    }

    /// Members read the agreements and whether they are accepted.
    pub fn list_agreements(
        &self,
        actor: &Actor,
        org_id: &str,
        page: PageRequest,
    ) -> Result<Page<AgreementStatus>, OrgError> {
        self.db.read(|conn| {
            let org = Access::require_member(conn, actor, org_id)?.organization;
            let all = applicable(conn, &org)?;
            let accepted: Vec<(String, String, String, NaiveDateTime)> = acc::table
                .filter(acc::organization_id.eq(org_id))
                .select((
                    acc::agreement_id,
                    acc::account_id,
                    acc::account_email,
                    acc::accepted_at,
                ))
                .load(conn)?;
            let rows = all
                .into_iter()
                .skip(page.offset as usize)
                .take(page.fetch() as usize)
                .map(|agreement| AgreementStatus {
                    accepted: accepted
                        .iter()
                        .find(|(id, ..)| *id == agreement.id)
                        .map(|(_, who, email, at)| (who.clone(), email.clone(), *at)),
                    agreement,
                })
                .collect();
            Ok(page.finish(rows))
        })
    }

    /// Only an admin of the organization accepts, once per version.
    pub fn accept_agreement(
        &self,
        actor: &Actor,
        org_id: &str,
        agreement_id: &str,
    ) -> Result<AgreementStatus, OrgError> {
        let now = now();
        let result = self.db.write(|conn| {
            let org = Access::require_admin(conn, actor, org_id)?.organization;
            let agreement = applicable(conn, &org)?
                .into_iter()
                .find(|a| a.id == agreement_id)
                .ok_or(OrgError::NoSuchAgreement)?;
            let already: i64 = acc::table
                .filter(acc::agreement_id.eq(agreement_id))
                .filter(acc::organization_id.eq(org_id))
                .count()
                .get_result(conn)?;
            if already > 0 {
                return Err(OrgError::AlreadyAccepted);
            }
            diesel::insert_into(acc::table)
                .values((
                    acc::agreement_id.eq(agreement_id),
                    acc::organization_id.eq(org_id),
                    acc::account_id.eq(&actor.account_id),
                    acc::account_email.eq(&actor.email),
                    acc::accepted_at.eq(now),
                ))
                .execute(conn)?;
            let detail = format!("{} {}", agreement.title, agreement.version);
            record(
                conn,
                org_id,
                actor,
                "agreement.accepted",
                agreement_id,
                &detail,
            )?;
            Ok(AgreementStatus {
                agreement,
                accepted: Some((actor.account_id.clone(), actor.email.clone(), now)),
            })
        });
        match result {
            // Two admins accepting at once: the second finds the first's.
            Err(OrgError::Store(e)) if e.is_unique_violation() => Err(OrgError::AlreadyAccepted),
            other => other,
        }
    }
}
