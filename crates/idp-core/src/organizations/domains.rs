//! Email domains an organization claims. A claim becomes the
//! organization's when a DNS TXT record proves control of the domain, or
//! when the operator approves it. A verified domain belongs to one
//! organization; branches inherit their ancestors' domains.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::access::{Access, Actor};
use super::events::{record, record_by};
use super::tree::Organization;
use super::{dns, OrgError};
use crate::accounts::is_domain;
use crate::crypto::{constant_time_eq, random_token};
use crate::db::schema::organization_domains as od;
use crate::db::DbConnection;
use crate::{now, Idp};

/// The record holding the challenge is `{CHALLENGE_LABEL}.{domain}`.
pub const CHALLENGE_LABEL: &str = "_idp-challenge";
const BY_DNS: &str = "dns";
const BY_OPERATOR: &str = "operator";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = od)]
pub struct Domain {
    /// The organization that claimed it (an ancestor's, for inherited ones).
    pub organization_id: String,
    pub domain: String,
    /// What the TXT record must hold.
    pub challenge: String,
    pub verified_at: Option<NaiveDateTime>,
    /// `dns` or `operator`.
    pub verified_by: Option<String>,
    pub created_at: NaiveDateTime,
}

impl Domain {
    pub fn record_name(&self) -> String {
        format!("{CHALLENGE_LABEL}.{}", self.domain)
    }
}

fn normalise(raw: &str) -> Result<String, OrgError> {
    let d = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    if !is_domain(&d) {
        return Err(OrgError::Invalid(
            "domain must be a DNS name such as example.com (letters, digits, hyphens; no scheme, port or path)",
        ));
    }
    Ok(d)
}

fn find(conn: &mut DbConnection, org_id: &str, domain: &str) -> Result<Domain, OrgError> {
    od::table
        .find((org_id, domain))
        .select(Domain::as_select())
        .first(conn)
        .optional()?
        .ok_or(OrgError::NoSuchDomain)
}

fn verified_elsewhere(conn: &mut DbConnection, org_id: &str, domain: &str) -> QueryResult<bool> {
    let n: i64 = od::table
        .filter(od::domain.eq(domain))
        .filter(od::verified_at.is_not_null())
        .filter(od::organization_id.ne(org_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn mark_verified(
    conn: &mut DbConnection,
    org_id: &str,
    domain: &str,
    by: &str,
    now: NaiveDateTime,
) -> Result<(), OrgError> {
    crate::db::lock_key(conn, &format!("domain:{domain}"))?;
    if verified_elsewhere(conn, org_id, domain)? {
        return Err(OrgError::DomainTaken);
    }
    diesel::update(od::table.find((org_id, domain)))
        .set((od::verified_at.eq(now), od::verified_by.eq(by)))
        .execute(conn)?;
    Ok(())
}

fn insert_claim(
    conn: &mut DbConnection,
    org_id: &str,
    domain: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(od::table)
        .values((
            od::organization_id.eq(org_id),
            od::domain.eq(domain),
            od::challenge.eq(random_token(24)),
            od::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

fn map_taken<T>(result: Result<T, OrgError>) -> Result<T, OrgError> {
    match result {
        Err(OrgError::Store(e)) if e.is_unique_violation() => Err(OrgError::DomainTaken),
        other => other,
    }
}

impl Idp {
    pub fn claim_domain(&self, actor: &Actor, org_id: &str, raw: &str) -> Result<Domain, OrgError> {
        let domain = normalise(raw)?;
        let now = now();
        map_taken(self.db.write(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            if verified_elsewhere(conn, org_id, &domain)? {
                return Err(OrgError::DomainTaken);
            }
            if od::table
                .find((org_id, &domain))
                .count()
                .get_result::<i64>(conn)?
                > 0
            {
                return Err(OrgError::Conflict(
                    "this organization has claimed that domain already",
                ));
            }
            insert_claim(conn, org_id, &domain, now)?;
            record(conn, org_id, actor, "domain.claimed", &domain, "")?;
            find(conn, org_id, &domain)
        }))
    }

    /// The organization's own claims, then the verified domains it
    /// inherits from its ancestors.
    pub fn list_domains(
        &self,
        actor: &Actor,
        org_id: &str,
        page: super::PageRequest,
    ) -> Result<super::Page<Domain>, OrgError> {
        self.db.read(|conn| {
            let org = Access::require_member(conn, actor, org_id)?.organization;
            let mut own: Vec<Domain> = od::table
                .filter(od::organization_id.eq(org_id))
                .order(od::domain.asc())
                .select(Domain::as_select())
                .load(conn)?;
            let inherited: Vec<Domain> = od::table
                .filter(od::organization_id.eq_any(org.ancestors()))
                .filter(od::verified_at.is_not_null())
                .order(od::domain.asc())
                .select(Domain::as_select())
                .load(conn)?;
            own.extend(inherited);
            let rows = own
                .into_iter()
                .skip(page.offset as usize)
                .take(page.fetch() as usize)
                .collect();
            Ok(page.finish(rows))
        })
    }

    /// Looks up `_idp-challenge.{domain}` and verifies the claim when one
    /// of its TXT strings is the challenge.
    pub fn verify_domain(
        &self,
        actor: &Actor,
        org_id: &str,
        raw: &str,
    ) -> Result<Domain, OrgError> {
        let domain = normalise(raw)?;
        let claim = self.db.read(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            find(conn, org_id, &domain)
        })?;
        if claim.verified_at.is_some() {
            return Ok(claim);
        }
        let found = dns::txt_records(&self.settings.dns, &claim.record_name())
            .map_err(|e| OrgError::DomainNotProven(format!("the lookup failed ({e})")))?;
        if !found
            .iter()
            .any(|v| constant_time_eq(v.trim(), &claim.challenge))
        {
            return Err(OrgError::DomainNotProven(format!(
                "{} has no TXT record holding {}",
                claim.record_name(),
                claim.challenge
            )));
        }
        let now = now();
        map_taken(self.db.write(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            mark_verified(conn, org_id, &domain, BY_DNS, now)?;
            record(conn, org_id, actor, "domain.verified", &domain, BY_DNS)?;
            find(conn, org_id, &domain)
        }))
    }

    /// The operator vouches for a domain (the admin API), claimed or not.
    pub fn approve_domain(&self, org_id: &str, raw: &str) -> Result<Domain, OrgError> {
        let domain = normalise(raw)?;
        let now = now();
        map_taken(self.db.write(|conn| {
            Organization::find(conn, org_id)?.ok_or(OrgError::NotFound)?;
            if od::table
                .find((org_id, &domain))
                .count()
                .get_result::<i64>(conn)?
                == 0
            {
                insert_claim(conn, org_id, &domain, now)?;
            }
            mark_verified(conn, org_id, &domain, BY_OPERATOR, now)?;
            record_by(
                conn,
                org_id,
                None,
                "operator",
                None,
                "domain.approved",
                &domain,
                BY_OPERATOR,
            )?;
            find(conn, org_id, &domain)
        }))
    }
}
