//! Invitations: an admin asks someone, by email, to join. The link works
//! once; resending makes a new link and kills the old one.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::access::{Access, Actor, Role};
use super::events::record;
use super::members::join;
use super::tree::Organization;
use super::{OrgError, Page, PageRequest};
use crate::accounts::{Account, EmailAddress};
use crate::crypto::{random_token, sha256_hex};
use crate::db::schema::{
    accounts as a, organization_invitations as inv, organization_members as om,
};
use crate::db::DbConnection;
use crate::email::{enqueue, quota_allows, Action, Quota};
use crate::{now, Idp};

pub const INVITATION_DAYS: i64 = 7;
const PENDING: &str = "pending";
const ACCEPTED: &str = "accepted";
const REVOKED: &str = "revoked";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationState {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationState {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationState::Pending => "pending",
            InvitationState::Accepted => "accepted",
            InvitationState::Revoked => "revoked",
            InvitationState::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inv)]
struct Row {
    id: String,
    organization_id: String,
    email: String,
    role: String,
    invited_by: Option<String>,
    inviter_name: String,
    state: String,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    decided_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub inviter_name: String,
    pub state: InvitationState,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

impl Invitation {
    fn from_row(r: Row, now: NaiveDateTime) -> Self {
        let state = match r.state.as_str() {
            ACCEPTED => InvitationState::Accepted,
            REVOKED => InvitationState::Revoked,
            _ if r.expires_at <= now => InvitationState::Expired,
            _ => InvitationState::Pending,
        };
        Self {
            id: r.id,
            organization_id: r.organization_id,
            email: r.email,
            role: Role::stored(&r.role),
            invited_by: r.invited_by,
            inviter_name: r.inviter_name,
            state,
            created_at: r.created_at,
            expires_at: r.expires_at,
            decided_at: r.decided_at,
        }
    }
}

/// What the invitation page shows to whoever holds the link.
#[derive(Debug, Clone)]
pub struct InvitationView {
    pub invitation: Invitation,
    pub organization: Organization,
    pub has_logo: bool,
}

fn find(conn: &mut DbConnection, org_id: &str, id: &str) -> Result<Row, OrgError> {
    inv::table
        .filter(inv::id.eq(id))
        .filter(inv::organization_id.eq(org_id))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or(OrgError::NoSuchInvitation)
}

fn by_token(conn: &mut DbConnection, token: &str) -> Result<Row, OrgError> {
    inv::table
        .filter(inv::token_hash.eq(sha256_hex(token)))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .ok_or(OrgError::InvitationInvalid)
}

impl Idp {
    pub fn invite_member(
        &self,
        actor: &Actor,
        org_id: &str,
        email: &str,
        role: Role,
    ) -> Result<Invitation, OrgError> {
        let email = EmailAddress::parse(email)
            .map_err(|_| OrgError::Invalid("email is not a valid email address"))?;
        let now = now();
        self.db.write(|conn| {
            let org = Access::require_admin(conn, actor, org_id)?.organization;
            let member: i64 = om::table
                .inner_join(a::table)
                .filter(om::organization_id.eq(org_id))
                .filter(a::email.eq(email.as_str()))
                .count()
                .get_result(conn)?;
            if member > 0 {
                return Err(OrgError::AlreadyMember);
            }
            // One live invitation per address: a new one replaces it.
            diesel::update(
                inv::table
                    .filter(inv::organization_id.eq(org_id))
                    .filter(inv::email.eq(email.as_str()))
                    .filter(inv::state.eq(PENDING)),
            )
            .set((inv::state.eq(REVOKED), inv::decided_at.eq(now)))
            .execute(conn)?;
            let inviter = Account::find(conn, &actor.account_id)?;
            let inviter_name = inviter
                .as_ref()
                .map(display_name)
                .unwrap_or_else(|| actor.email.clone());
            let id = crate::crypto::new_id();
            let token = random_token(32);
            diesel::insert_into(inv::table)
                .values((
                    inv::id.eq(&id),
                    inv::organization_id.eq(org_id),
                    inv::email.eq(email.as_str()),
                    inv::role.eq(role.as_str()),
                    inv::invited_by.eq(&actor.account_id),
                    inv::inviter_name.eq(&inviter_name),
                    inv::token_hash.eq(sha256_hex(&token)),
                    inv::state.eq(PENDING),
                    inv::created_at.eq(now),
                    inv::expires_at.eq(now + Duration::days(INVITATION_DAYS)),
                ))
                .execute(conn)?;
            self.send_invitation(
                conn,
                actor,
                &org,
                email.as_str(),
                &inviter_name,
                &token,
                now,
            )?;
            record(
                conn,
                org_id,
                actor,
                "member.invited",
                email.as_str(),
                role.as_str(),
            )?;
            let row = find(conn, org_id, &id)?;
            Ok(Invitation::from_row(row, now))
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn send_invitation(
        &self,
        conn: &mut DbConnection,
        actor: &Actor,
        org: &Organization,
        to: &str,
        inviter_name: &str,
        token: &str,
        now: NaiveDateTime,
    ) -> Result<(), OrgError> {
        if !quota_allows(
            conn,
            self,
            Quota::Invitation,
            Some(&actor.account_id),
            to,
            now,
        )? {
            return Err(OrgError::TooManyInvitations);
        }
        // The invitee has no language of ours yet; an account they already
        // have has one.
        let locale = Account::find_by_email(
            conn,
            &EmailAddress::parse(to).map_err(|_| OrgError::Invalid("email is not valid"))?,
        )?
        .map(|a| a.locale)
        .unwrap_or_else(|| crate::i18n::FALLBACK.to_owned());
        let days = INVITATION_DAYS.to_string();
        let mail = self.compose_email(
            to,
            &locale,
            "invitation",
            &[
                ("inviter", inviter_name),
                ("organization", &org.name),
                ("days", &days),
            ],
            Action::Link(&self.link(&format!("/invitation?token={token}"))),
        );
        enqueue(conn, self, Some(&actor.account_id), &mail)?;
        Ok(())
    }

    /// Admins only: invitations carry addresses of people who are not
    /// members (yet).
    pub fn list_invitations(
        &self,
        actor: &Actor,
        org_id: &str,
        page: PageRequest,
    ) -> Result<Page<Invitation>, OrgError> {
        let now = now();
        self.db.read(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            let rows = inv::table
                .filter(inv::organization_id.eq(org_id))
                .order((inv::created_at.desc(), inv::id.asc()))
                .offset(page.offset)
                .limit(page.fetch())
                .select(Row::as_select())
                .load(conn)?;
            Ok(page.finish(
                rows.into_iter()
                    .map(|r| Invitation::from_row(r, now))
                    .collect(),
            ))
        })
    }

    /// A new link (the old one dies) and a new expiry, for a pending or
    /// expired invitation.
    pub fn resend_invitation(
        &self,
        actor: &Actor,
        org_id: &str,
        invitation_id: &str,
    ) -> Result<Invitation, OrgError> {
        let now = now();
        self.db.write(|conn| {
            let org = Access::require_admin(conn, actor, org_id)?.organization;
            let row = find(conn, org_id, invitation_id)?;
            if row.state != PENDING {
                return Err(OrgError::Conflict(
                    "only a pending or expired invitation can be sent again",
                ));
            }
            let token = random_token(32);
            diesel::update(inv::table.find(invitation_id))
                .set((
                    inv::token_hash.eq(sha256_hex(&token)),
                    inv::expires_at.eq(now + Duration::days(INVITATION_DAYS)),
                ))
                .execute(conn)?;
            self.send_invitation(
                conn,
                actor,
                &org,
                &row.email,
                &row.inviter_name,
                &token,
                now,
            )?;
            record(conn, org_id, actor, "invitation.resent", &row.email, "")?;
            Ok(Invitation::from_row(
                find(conn, org_id, invitation_id)?,
                now,
            ))
        })
    }

    pub fn revoke_invitation(
        &self,
        actor: &Actor,
        org_id: &str,
        invitation_id: &str,
    ) -> Result<(), OrgError> {
        let now = now();
        self.db.write(|conn| {
            Access::require_admin(conn, actor, org_id)?;
            let row = find(conn, org_id, invitation_id)?;
            if row.state != PENDING {
                return Err(OrgError::Conflict(
                    "only a pending or expired invitation can be revoked",
                ));
            }
            diesel::update(inv::table.find(invitation_id))
                .set((inv::state.eq(REVOKED), inv::decided_at.eq(now)))
                .execute(conn)?;
            record(conn, org_id, actor, "invitation.revoked", &row.email, "")?;
            Ok(())
        })
    }

    /// What an invitation link shows. Anyone holding the link may see it;
    /// used, revoked, replaced and expired links get their own errors.
    pub fn invitation_by_token(&self, token: &str) -> Result<InvitationView, OrgError> {
        let now = now();
        self.db.read(|conn| {
            let invitation = Invitation::from_row(by_token(conn, token)?, now);
            match invitation.state {
                InvitationState::Pending => {}
                InvitationState::Expired => return Err(OrgError::InvitationExpired),
                _ => return Err(OrgError::InvitationInvalid),
            }
            let organization = Organization::find(conn, &invitation.organization_id)?
                .ok_or(OrgError::InvitationInvalid)?;
            let has_logo = super::logos::exists(conn, &organization.id)?;
            Ok(InvitationView {
                invitation,
                organization,
                has_logo,
            })
        })
    }

    /// The signed-in `account` takes up the invitation: its verified
    /// address must be the invited one. The link works once.
    pub fn accept_invitation(
        &self,
        account: &Account,
        token: &str,
        client_ip: Option<String>,
    ) -> Result<Access, OrgError> {
        let now = now();
        self.db.write(|conn| {
            accept_in(conn, account, token, client_ip, now)?;
            let row = by_token(conn, token)?;
            Access::of(conn, &account.id, &row.organization_id)?.ok_or(OrgError::NotFound)
        })
    }
}

impl Idp {
    /// Someone without an account completes sign-up from the invitation's
    /// page: following the emailed link proved the address, so the account
    /// is made verified, joins, and is signed in, all at once or not at all.
    /// The robot check and the password rules apply as at any sign-up.
    pub fn sign_up_invited(
        &self,
        token: &str,
        form: &crate::accounts::SignUp,
        client: &crate::sessions::ClientInfo,
    ) -> Result<(crate::sessions::NewSession, Access), OrgError> {
        let view = self.invitation_by_token(token)?;
        let form = crate::accounts::SignUp {
            email: view.invitation.email.clone(),
            ..form.clone()
        };
        let checked = self.checked_sign_up(&form)?;
        let now = now();
        let result = self.db.write(|conn| {
            let new = crate::accounts::NewPending {
                email: checked.email.as_str(),
                binding: "",
                password_hash: &checked.password_hash,
                given_name: &checked.given_name,
                family_name: &checked.family_name,
                birthdate: checked.birthdate,
                marketing_opt_in: form.marketing_opt_in,
                locale: checked.locale,
                return_to: None,
            };
            let (account, ended) = self
                .make_verified_account(conn, &new, now, now)?
                .ok_or(OrgError::AccountExists)?;
            accept_in(conn, &account, token, Some(client.ip_address.clone()), now)?;
            let session = crate::sessions::create(conn, self, &account, client, "invitation")?;
            let access =
                Access::of(conn, &account.id, &view.organization.id)?.ok_or(OrgError::NotFound)?;
            Ok::<_, OrgError>((session, access, ended))
        });
        let (session, access, ended) = match result {
            Err(OrgError::Store(e)) if e.is_unique_violation() => {
                return Err(OrgError::AccountExists)
            }
            other => other?,
        };
        self.notify_logout(ended);
        tracing::info!(target: "organizations", organization = %access.organization.id, "account made from an invitation");
        Ok((session, access))
    }
}

/// Accepts inside the caller's transaction (also used by the invited
/// sign-up, which makes the account in the same transaction).
pub(crate) fn accept_in(
    conn: &mut DbConnection,
    account: &Account,
    token: &str,
    client_ip: Option<String>,
    now: NaiveDateTime,
) -> Result<(), OrgError> {
    let row = by_token(conn, token)?;
    let invitation = Invitation::from_row(row.clone(), now);
    match invitation.state {
        InvitationState::Pending => {}
        InvitationState::Expired => return Err(OrgError::InvitationExpired),
        _ => return Err(OrgError::InvitationInvalid),
    }
    if !account.email.eq_ignore_ascii_case(&invitation.email) {
        return Err(OrgError::InvitationForSomeoneElse);
    }
    if !account.email_verified {
        return Err(OrgError::EmailUnverified);
    }
    // Conditional, so two clicks at once cannot both count.
    let taken = diesel::update(
        inv::table
            .filter(inv::id.eq(&row.id))
            .filter(inv::state.eq(PENDING)),
    )
    .set((
        inv::state.eq(ACCEPTED),
        inv::decided_at.eq(now),
        inv::accepted_by.eq(&account.id),
    ))
    .execute(conn)?;
    if taken != 1 {
        return Err(OrgError::InvitationInvalid);
    }
    join(conn, &row.organization_id, &account.id, invitation.role)?;
    let actor = Actor::new(account, client_ip);
    record(
        conn,
        &row.organization_id,
        &actor,
        "invitation.accepted",
        &account.id,
        invitation.role.as_str(),
    )?;
    Ok(())
}

fn display_name(a: &Account) -> String {
    let name = format!("{} {}", a.given_name, a.family_name);
    let name = name.trim();
    if name.is_empty() {
        a.email.clone()
    } else {
        name.to_owned()
    }
}
