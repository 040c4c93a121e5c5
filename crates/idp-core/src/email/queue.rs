//! The outgoing-mail queue. A message is a row of `email_outbox` written in
//! the transaction of the change that causes it: it exists exactly when the
//! change committed, and waits there while SMTP is down or the process
//! restarts. No request talks to the mail server, so an answer takes the same
//! path whether or not an address has an account.
//!
//! The body holds links and codes that the database otherwise keeps only
//! hashes of, so it is sealed with the master key and cleared once the
//! message is sent or given up. The rest of the row (recipient, account,
//! kind, times, status) stays a day: the quotas below count it.
//!
//! Every node runs a worker (`worker.rs`) that claims due rows with a
//! conditional UPDATE, so two nodes never send one message. A claim not
//! finished within [`CLAIM_SECONDS`] (its node died) may be claimed again;
//! delivery is therefore at least once: a node that dies after SMTP took a
//! message and before the row says so sends it again.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::Email;
use crate::crypto::random_token;
use crate::db::schema::email_outbox as q;
use crate::db::{DbConnection, StoreError};
use crate::{now, Idp};

const QUEUED: &str = "queued";
const SENDING: &str = "sending";
const SENT: &str = "sent";
const FAILED: &str = "failed";

/// How long a claim holds: far longer than one SMTP exchange may take
/// (lettre gives up after a minute without an answer).
pub const CLAIM_SECONDS: i64 = 600;
/// The longest wait between two tries of one message.
const MAX_RETRY_SECONDS: i64 = 3600;
/// How long sent and failed rows (without their bodies) are kept.
const KEEP_HOURS: i64 = 24;
/// The span the quotas count over.
const QUOTA_WINDOW_HOURS: i64 = 1;

/// Mail that a flood of requests could multiply, limited per account and
/// per address (`email.max_per_account_per_hour`,
/// `email.max_per_address_per_hour`); each quota is counted on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quota {
    /// Verification links, from sign-up and from resends. ("Someone tried
    /// to sign up with your address" has a throttle of its own in sign-up.)
    Verification,
    /// Mail an email change sends to the new address: the confirmation
    /// link, or "someone tried to use your address".
    EmailChange,
    /// Password-reset codes.
    PasswordReset,
    /// Codes that prove owning an account before an upstream identity is
    /// linked to it.
    LinkCode,
    /// Invitations to join an organization (counted per inviter).
    Invitation,
}

impl Quota {
    /// The message kinds (catalog names) the quota counts.
    fn kinds(self) -> &'static [&'static str] {
        match self {
            Quota::Verification => &["verify"],
            Quota::EmailChange => &["email_change_confirm", "address_in_use"],
            Quota::PasswordReset => &["reset_code"],
            Quota::LinkCode => &["link_code"],
            Quota::Invitation => &["invitation"],
        }
    }
}

/// Whether one more message of `quota` may go to `recipient` on behalf of
/// `account_id`, counting every message of that quota queued in the last
/// hour (sent, failed or still waiting).
///
/// The contract:
/// - Call it inside the [`Db::write`](crate::db::Db::write) transaction that
///   will [`enqueue`] the message, and enqueue in that same transaction when
///   it answers `true`: the count and the new row commit together.
/// - On PostgreSQL it takes transaction-scoped advisory locks on the account
///   and on the address, so concurrent requests for either wait for each
///   other's commit and the limit holds under parallel requests (SQLite
///   writes are serialised already). Call it once per transaction.
/// - `account_id` is the account the mail is about: the requester of an
///   email change, the owner of the address for a reset or a verification.
///   `None` (no account yet) applies the per-address limit only.
/// - `recipient` is the address the mail goes to; case does not matter.
/// - When it answers `false`, send nothing and answer the request exactly as
///   if the mail went: a limited request must not be told apart.
pub fn quota_allows(
    conn: &mut DbConnection,
    idp: &Idp,
    quota: Quota,
    account_id: Option<&str>,
    recipient: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let recipient = recipient.trim().to_lowercase();
    let limits = &idp.settings.email;
    let since = now - Duration::hours(QUOTA_WINDOW_HOURS);
    if let Some(account_id) = account_id {
        crate::db::lock_key(conn, &format!("mail-quota:account:{account_id}"))?;
    }
    crate::db::lock_key(conn, &format!("mail-quota:address:{recipient}"))?;
    let to_address: i64 = q::table
        .filter(q::recipient.eq(&recipient))
        .filter(q::kind.eq_any(quota.kinds()))
        .filter(q::created_at.gt(since))
        .count()
        .get_result(conn)?;
    if to_address >= limits.max_per_address_per_hour {
        return Ok(false);
    }
    let Some(account_id) = account_id else {
        return Ok(true);
    };
    let by_account: i64 = q::table
        .filter(q::account_id.eq(account_id))
        .filter(q::kind.eq_any(quota.kinds()))
        .filter(q::created_at.gt(since))
        .count()
        .get_result(conn)?;
    let per_account = match quota {
        Quota::Invitation => limits.max_invitations_per_account_per_hour,
        _ => limits.max_per_account_per_hour,
    };
    Ok(by_account < per_account)
}

/// Queues `email` in the transaction `conn` belongs to; the worker of this
/// node is woken once that transaction commits. `account_id` is the account
/// the mail is about (counted by [`quota_allows`]); the account need not
/// exist any more (the "account deleted" notice).
pub fn enqueue(
    conn: &mut DbConnection,
    idp: &Idp,
    account_id: Option<&str>,
    email: &Email,
) -> QueryResult<()> {
    let body = serde_json::to_vec(email).expect("an email serialises to JSON");
    let now = now();
    diesel::insert_into(q::table)
        .values((
            q::kind.eq(&email.kind),
            q::recipient.eq(email.to.trim().to_lowercase()),
            q::account_id.eq(account_id),
            q::body.eq(idp.signing.master().seal(&body)),
            q::status.eq(QUEUED),
            q::attempts.eq(0),
            q::created_at.eq(now),
            q::next_attempt_at.eq(now),
        ))
        .execute(conn)?;
    let outgoing = idp.outgoing.clone();
    crate::db::on_commit(move || outgoing.wake());
    Ok(())
}

/// What the queue holds at one moment (for the logs and the tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Not sent yet: waiting for a try, or being sent.
    pub waiting: i64,
    /// Given up in the last day.
    pub failed: i64,
}

/// A row this node has claimed.
pub(super) struct Claimed {
    id: i64,
    claim: String,
    attempts: i32,
    sealed: Option<String>,
}

enum Outcome {
    Sent,
    Retry { at: NaiveDateTime, error: String },
    Failed { error: String },
}

/// Rows a worker may take: due, or claimed by a node that never finished.
macro_rules! claimable {
    ($now:expr) => {
        q::status
            .eq(QUEUED)
            .and(q::next_attempt_at.le($now))
            .or(q::status.eq(SENDING).and(q::claimed_until.lt($now)))
    };
}

impl Idp {
    pub fn mail_queue_counts(&self) -> Result<QueueCounts, StoreError> {
        self.db.read(|conn| {
            let count = |conn: &mut DbConnection, statuses: &[&str]| {
                q::table
                    .filter(q::status.eq_any(statuses))
                    .count()
                    .get_result::<i64>(conn)
            };
            Ok(QueueCounts {
                waiting: count(conn, &[QUEUED, SENDING])?,
                failed: count(conn, &[FAILED])?,
            })
        })
    }

    /// Sends due messages one at a time until none is due or `keep_going`
    /// says stop; returns how many were handled.
    pub(super) fn send_due_mail(&self, keep_going: impl Fn() -> bool) -> Result<usize, StoreError> {
        let mut handled = 0;
        while keep_going() {
            let Some(claimed) = self.claim_next_mail()? else {
                break;
            };
            self.send_claimed(claimed)?;
            handled += 1;
        }
        Ok(handled)
    }

    /// When the next message becomes due (a retry, or a claim running out).
    pub(super) fn next_mail_due(&self) -> Result<Option<NaiveDateTime>, StoreError> {
        self.db.read(|conn| {
            let retry: Option<NaiveDateTime> = q::table
                .filter(q::status.eq(QUEUED))
                .select(diesel::dsl::min(q::next_attempt_at))
                .first(conn)?;
            let stale: Option<NaiveDateTime> = q::table
                .filter(q::status.eq(SENDING))
                .select(diesel::dsl::min(q::claimed_until))
                .first(conn)?;
            Ok(retry.into_iter().chain(stale).min())
        })
    }

    fn claim_next_mail(&self) -> Result<Option<Claimed>, StoreError> {
        let now = now();
        let until = now + Duration::seconds(CLAIM_SECONDS);
        self.db.write(|conn| {
            let candidates: Vec<i64> = q::table
                .filter(claimable!(now))
                .order((q::next_attempt_at, q::id))
                .select(q::id)
                .limit(8)
                .load(conn)?;
            for id in candidates {
                let claim = random_token(16);
                // The condition again: on PostgreSQL a node that lost the
                // race finds it false once the winner has committed.
                let won = diesel::update(q::table.find(id).filter(claimable!(now)))
                    .set((
                        q::status.eq(SENDING),
                        q::claim.eq(&claim),
                        q::claimed_until.eq(until),
                        q::attempts.eq(q::attempts + 1),
                    ))
                    .execute(conn)?
                    == 1;
                if won {
                    let (attempts, sealed) = q::table
                        .find(id)
                        .select((q::attempts, q::body))
                        .first(conn)?;
                    return Ok(Some(Claimed {
                        id,
                        claim,
                        attempts,
                        sealed,
                    }));
                }
            }
            Ok(None)
        })
    }

    fn send_claimed(&self, claimed: Claimed) -> Result<(), StoreError> {
        let outcome = match self.open_mail(&claimed) {
            Err(problem) => {
                tracing::error!(error = problem, "a queued email cannot be read; dropped");
                Outcome::Failed {
                    error: problem.into(),
                }
            }
            Ok(email) => match self.mailer.send(&email) {
                Ok(()) => Outcome::Sent,
                Err(e) => self.after_failure(&claimed, &email, &e.to_string()),
            },
        };
        let now = now();
        let mine = q::table
            .find(claimed.id)
            .filter(q::status.eq(SENDING))
            .filter(q::claim.eq(&claimed.claim));
        let released = (
            q::claim.eq(None::<String>),
            q::claimed_until.eq(None::<NaiveDateTime>),
        );
        let finished = self.db.write(|conn| {
            let update = diesel::update(mine);
            match outcome {
                Outcome::Sent => update
                    .set((
                        q::status.eq(SENT),
                        q::body.eq(None::<String>),
                        q::sent_at.eq(Some(now)),
                        q::last_error.eq(None::<String>),
                        released,
                    ))
                    .execute(conn),
                Outcome::Retry { at, error } => update
                    .set((
                        q::status.eq(QUEUED),
                        q::next_attempt_at.eq(at),
                        q::last_error.eq(Some(error)),
                        released,
                    ))
                    .execute(conn),
                Outcome::Failed { error } => update
                    .set((
                        q::status.eq(FAILED),
                        q::body.eq(None::<String>),
                        q::last_error.eq(Some(error)),
                        released,
                    ))
                    .execute(conn),
            }
            .map_err(StoreError::from)
        })?;
        if finished == 0 {
            tracing::warn!("an email took longer than its claim; another node may send it again");
        }
        Ok(())
    }

    fn open_mail(&self, claimed: &Claimed) -> Result<Email, &'static str> {
        let sealed = claimed.sealed.as_deref().ok_or("its body is gone")?;
        let plain = self
            .signing
            .master()
            .open(sealed)
            .map_err(|_| "it was sealed with another master key")?;
        serde_json::from_slice(&plain).map_err(|_| "its body is not a message")
    }

    /// Schedules the next try, or gives up after `email.max_attempts`.
    fn after_failure(&self, claimed: &Claimed, email: &Email, error: &str) -> Outcome {
        let error = redact(error, &email.to);
        self.metrics.mail_send_failed();
        let settings = &self.settings.email;
        if claimed.attempts >= settings.max_attempts {
            tracing::error!(
                subject = %email.subject,
                attempts = claimed.attempts,
                error = %error,
                "email not sent; giving up"
            );
            return Outcome::Failed { error };
        }
        let wait = retry_delay(settings.retry_seconds, claimed.attempts);
        tracing::warn!(
            subject = %email.subject,
            attempt = claimed.attempts,
            error = %error,
            retry_in_secs = wait,
            "email not sent; will try again"
        );
        Outcome::Retry {
            at: now() + Duration::seconds(wait),
            error,
        }
    }
}

/// `base` seconds after the first failure, doubling with every further one.
fn retry_delay(base: i64, attempts: i32) -> i64 {
    let doublings = attempts.saturating_sub(1).clamp(0, 30);
    base.saturating_mul(1 << doublings).min(MAX_RETRY_SECONDS)
}

/// SMTP errors often quote the address; logs and the table get it masked.
fn redact(error: &str, recipient: &str) -> String {
    let recipient = recipient.trim().to_ascii_lowercase();
    if recipient.is_empty() {
        return error.to_owned();
    }
    // ASCII lower-casing keeps every byte where it was.
    let lower = error.to_ascii_lowercase();
    let mut out = String::with_capacity(error.len());
    let mut rest = 0;
    for (at, _) in lower.match_indices(&recipient) {
        out.push_str(&error[rest..at]);
        out.push_str("<recipient>");
        rest = at + recipient.len();
    }
    out.push_str(&error[rest..]);
    out
}

/// Deletes sent and failed rows older than a day (housekeeping); their
/// bodies went when they were finished.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        q::table
            .filter(q::status.eq_any([SENT, FAILED]))
            .filter(q::created_at.lt(now - Duration::hours(KEEP_HOURS))),
    )
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop_growing() {
        assert_eq!(retry_delay(30, 1), 30);
        assert_eq!(retry_delay(30, 2), 60);
        assert_eq!(retry_delay(30, 4), 240);
        assert_eq!(retry_delay(30, 20), MAX_RETRY_SECONDS);
        assert_eq!(retry_delay(i64::MAX, i32::MAX), MAX_RETRY_SECONDS);
    }

    #[test]
    fn errors_lose_the_recipient() {
        assert_eq!(
            redact(
                "550 5.1.1 <Ada@Example.com>: no such user",
                "ada@example.com"
            ),
            "550 5.1.1 <<recipient>>: no such user"
        );
        assert_eq!(redact("timed out", "ada@example.com"), "timed out");
    }
}
