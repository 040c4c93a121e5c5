//! The audit trail: an append-only record of every security-relevant event
//! (sign-ins and their failures, credential and address changes, links,
//! consents, clients, keys, providers, organizations, administrators'
//! actions). An event is written in the same transaction as the change it
//! describes, so neither lands without the other; a failure that changes
//! nothing (a wrong password) is written on its own.
//!
//! Where a request came from and who made it reach this module as an
//! [`Origin`] that the caller sets once around a piece of work
//! ([`with_origin`]): the HTTP layer for each request, the command line for
//! each command. Domain functions then record events without carrying the
//! address and user agent through every signature.
//!
//! Events never hold secrets: no passwords, tokens, codes or hashes.

mod query;

pub(crate) use query::purge_expired;
pub use query::{AuditEvent, EventFilter, EventPage};

use std::cell::RefCell;

use diesel::prelude::*;
use serde_json::{Map, Value};

use crate::db::schema::audit_events as ev;
use crate::db::DbConnection;
use crate::now;

/// The longest user agent kept.
const MAX_USER_AGENT: usize = 256;
/// The longest typed address kept for a sign-in with no account.
const MAX_TYPED_EMAIL: usize = 254;

/// What happened. The names are a contract (the API's `type` filter,
/// webhooks): add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    SignInSucceeded,
    SignInFailed,
    SignedOut,
    PasswordChanged,
    PasswordReset,
    EmailChanged,
    EmailVerified,
    IdentityLinked,
    IdentityUnlinked,
    ConsentGranted,
    ConsentWithdrawn,
    AccountDeleted,
    ClientCreated,
    ClientUpdated,
    ClientSecretRotated,
    ClientDeleted,
    KeysRotated,
    ProviderCreated,
    ProviderUpdated,
    ProviderDeleted,
    OrganizationChanged,
    UserCreated,
    UserUpdated,
    UserDisabled,
    UserEnabled,
    UserDeleted,
    UserPasswordSet,
    UserSessionsEnded,
    UserVerificationResent,
    UserImported,
    SecondFactorAdded,
    SecondFactorRemoved,
    SecondFactorUsed,
    RecoveryCodesCreated,
    UserSecondFactorsReset,
}

impl EventType {
    pub const ALL: [EventType; 35] = [
        EventType::SignInSucceeded,
        EventType::SignInFailed,
        EventType::SignedOut,
        EventType::PasswordChanged,
        EventType::PasswordReset,
        EventType::EmailChanged,
        EventType::EmailVerified,
        EventType::IdentityLinked,
        EventType::IdentityUnlinked,
        EventType::ConsentGranted,
        EventType::ConsentWithdrawn,
        EventType::AccountDeleted,
        EventType::ClientCreated,
        EventType::ClientUpdated,
        EventType::ClientSecretRotated,
        EventType::ClientDeleted,
        EventType::KeysRotated,
        EventType::ProviderCreated,
        EventType::ProviderUpdated,
        EventType::ProviderDeleted,
        EventType::OrganizationChanged,
        EventType::UserCreated,
        EventType::UserUpdated,
        EventType::UserDisabled,
        EventType::UserEnabled,
        EventType::UserDeleted,
        EventType::UserPasswordSet,
        EventType::UserSessionsEnded,
        EventType::UserVerificationResent,
        EventType::UserImported,
        EventType::SecondFactorAdded,
        EventType::SecondFactorRemoved,
        EventType::SecondFactorUsed,
        EventType::RecoveryCodesCreated,
        EventType::UserSecondFactorsReset,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::SignInSucceeded => "sign_in.succeeded",
            EventType::SignInFailed => "sign_in.failed",
            EventType::SignedOut => "signed_out",
            EventType::PasswordChanged => "password.changed",
            EventType::PasswordReset => "password.reset",
            EventType::EmailChanged => "email.changed",
            EventType::EmailVerified => "email.verified",
            EventType::IdentityLinked => "identity.linked",
            EventType::IdentityUnlinked => "identity.unlinked",
            EventType::ConsentGranted => "consent.granted",
            EventType::ConsentWithdrawn => "consent.withdrawn",
            EventType::AccountDeleted => "account.deleted",
            EventType::ClientCreated => "client.created",
            EventType::ClientUpdated => "client.updated",
            EventType::ClientSecretRotated => "client.secret_rotated",
            EventType::ClientDeleted => "client.deleted",
            EventType::KeysRotated => "keys.rotated",
            EventType::ProviderCreated => "provider.created",
            EventType::ProviderUpdated => "provider.updated",
            EventType::ProviderDeleted => "provider.deleted",
            EventType::OrganizationChanged => "organization.changed",
            EventType::UserCreated => "user.created",
            EventType::UserUpdated => "user.updated",
            EventType::UserDisabled => "user.disabled",
            EventType::UserEnabled => "user.enabled",
            EventType::UserDeleted => "user.deleted",
            EventType::UserPasswordSet => "user.password_set",
            EventType::UserSessionsEnded => "user.sessions_ended",
            EventType::UserVerificationResent => "user.verification_resent",
            EventType::UserImported => "user.imported",
            EventType::SecondFactorAdded => "second_factor.added",
            EventType::SecondFactorRemoved => "second_factor.removed",
            EventType::SecondFactorUsed => "second_factor.used",
            EventType::RecoveryCodesCreated => "recovery_codes.created",
            EventType::UserSecondFactorsReset => "user.second_factors_reset",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Nobody known: a failed sign-in, a dynamic registration.
    Anonymous,
    /// A person (themselves, or an administrator).
    Account(String),
    /// An OAuth client with its own token.
    Client(String),
    /// The operator at the command line.
    Operator,
}

impl Actor {
    /// `(kind, id)` as stored.
    fn parts(&self) -> (&'static str, Option<&str>) {
        match self {
            Actor::Anonymous => ("anonymous", None),
            Actor::Account(id) => ("account", Some(id)),
            Actor::Client(id) => ("client", Some(id)),
            Actor::Operator => ("operator", None),
        }
    }
}

impl From<&crate::accounts::Administrator> for Actor {
    fn from(a: &crate::accounts::Administrator) -> Self {
        use crate::accounts::Administrator;
        match a {
            Administrator::Operator => Actor::Operator,
            Administrator::Account(id) => Actor::Account(id.clone()),
            Administrator::Client(id) => Actor::Client(id.clone()),
        }
    }
}

/// Where the work at hand was asked for, and by whom when that is known.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub actor: Option<Actor>,
}

impl Origin {
    pub fn operator() -> Self {
        Origin {
            actor: Some(Actor::Operator),
            ..Origin::default()
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Origin>> = const { RefCell::new(None) };
}

/// Runs `f` with `origin` as the origin of the events it records; the one
/// before is back afterwards (also when `f` panics).
pub fn with_origin<T>(origin: Origin, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Origin>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = before);
        }
    }
    let before = CURRENT.with(|c| c.borrow_mut().replace(origin));
    let _restore = Restore(before);
    f()
}

/// Runs `f` with `actor` as the actor of its events, keeping the address.
pub fn with_actor<T>(actor: Actor, f: impl FnOnce() -> T) -> T {
    let mut origin = current().unwrap_or_default();
    origin.actor = Some(actor);
    with_origin(origin, f)
}

fn current() -> Option<Origin> {
    CURRENT.with(|c| c.borrow().clone())
}

/// One event, built up and then [`record`]ed.
#[derive(Debug, Clone)]
pub struct Event {
    kind: EventType,
    actor: Option<Actor>,
    subject: Option<String>,
    client_id: Option<String>,
    succeeded: bool,
    detail: Map<String, Value>,
}

impl Event {
    pub fn new(kind: EventType) -> Self {
        Event {
            kind,
            actor: None,
            subject: None,
            client_id: None,
            succeeded: true,
            detail: Map::new(),
        }
    }

    /// Who acted, when it is not the origin's actor (or the subject).
    pub fn actor(mut self, actor: Actor) -> Self {
        self.actor = Some(actor);
        self
    }

    /// The account acted on.
    pub fn subject(mut self, account_id: &str) -> Self {
        self.subject = Some(account_id.to_owned());
        self
    }

    pub fn client(mut self, client_id: &str) -> Self {
        self.client_id = Some(client_id.to_owned());
        self
    }

    pub fn failed(mut self) -> Self {
        self.succeeded = false;
        self
    }

    /// A fact about the event; never a secret.
    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }

    /// The address someone typed for an account that does not exist.
    pub fn typed_email(self, typed: &str) -> Self {
        let kept: String = typed.chars().take(MAX_TYPED_EMAIL).collect();
        self.detail("email", kept)
    }
}

/// Writes `event` in the caller's transaction. The actor is the event's
/// own, else the origin's, else the subject (a person acting on their own
/// account), else anonymous.
pub(crate) fn record(conn: &mut DbConnection, event: &Event) -> QueryResult<()> {
    let origin = current().unwrap_or_default();
    let actor = event
        .actor
        .clone()
        .or(origin.actor)
        .or_else(|| event.subject.clone().map(Actor::Account))
        .unwrap_or(Actor::Anonymous);
    let (actor_kind, actor_id) = actor.parts();
    let user_agent = origin
        .user_agent
        .map(|ua| ua.chars().take(MAX_USER_AGENT).collect::<String>());
    diesel::insert_into(ev::table)
        .values((
            ev::at.eq(now()),
            ev::event_type.eq(event.kind.as_str()),
            ev::actor_kind.eq(actor_kind),
            ev::actor_id.eq(actor_id),
            ev::subject.eq(event.subject.as_deref()),
            ev::client_id.eq(event.client_id.as_deref()),
            ev::client_ip.eq(origin.ip_address.as_deref()),
            ev::user_agent.eq(user_agent.as_deref()),
            ev::outcome.eq(if event.succeeded {
                "success"
            } else {
                "failure"
            }),
            ev::detail.eq(Value::Object(event.detail.clone()).to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

/// [`record`] in a transaction of its own, for events whose cause changed
/// nothing (a refused sign-in). A failure to write is logged, not raised:
/// the refusal stands either way.
pub(crate) fn record_alone(db: &crate::db::Db, event: &Event) {
    if let Err(e) = db.write(|conn| record(conn, event).map_err(crate::db::StoreError::from)) {
        tracing::warn!(error = %e, event = event.kind.as_str(), "audit event not written");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), EventType::ALL.len());
    }

    #[test]
    fn an_origin_holds_only_inside_its_scope() {
        assert!(current().is_none());
        with_origin(Origin::operator(), || {
            assert_eq!(current().unwrap().actor, Some(Actor::Operator));
            with_actor(Actor::Client("c".into()), || {
                assert_eq!(current().unwrap().actor, Some(Actor::Client("c".into())));
            });
            assert_eq!(current().unwrap().actor, Some(Actor::Operator));
        });
        assert!(current().is_none());
    }
}
