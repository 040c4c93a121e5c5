//! Outgoing email: SMTP when configured, else one `.eml` file per message in
//! the outbox folder (how a laptop install and the tests read mail). Nothing
//! is sent while a request is answered: mail is queued in the request's
//! transaction (`queue.rs`) and a worker on each node sends it (`worker.rs`).

mod messages;
mod queue;
mod worker;

pub use messages::{Action, Email};
pub use queue::{enqueue, purge_expired, quota_allows, QueueCounts, Quota, CLAIM_SECONDS};
pub use worker::{MailWorker, Outgoing};

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{Message, SmtpTransport, Transport};

use crate::config::Settings;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP URL is invalid: {0}")]
    SmtpUrl(String),
    #[error("cannot use outbox folder {path}: {source}")]
    Outbox {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot build message: {0}")]
    Build(String),
    #[error("cannot send message: {0}")]
    Send(String),
}

pub enum Mailer {
    Smtp {
        transport: SmtpTransport,
        from: Mailbox,
    },
    Outbox {
        dir: PathBuf,
        from: Mailbox,
    },
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Self, MailError> {
        let from: Mailbox = settings
            .email
            .from
            .parse()
            .map_err(|e| MailError::Build(format!("email.from: {e}")))?;
        match &settings.smtp_url {
            Some(url) => {
                let transport = SmtpTransport::from_url(url)
                    .map_err(|e| MailError::SmtpUrl(e.to_string()))?
                    .build();
                Ok(Mailer::Smtp { transport, from })
            }
            None => {
                let dir = settings.outbox_dir();
                // The messages hold links and codes: private, like the data folder.
                crate::files::create_private_dir(&dir).map_err(|source| MailError::Outbox {
                    path: dir.display().to_string(),
                    source,
                })?;
                Ok(Mailer::Outbox { dir, from })
            }
        }
    }

    /// Where mail goes, for the start-up banner.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp { .. } => "SMTP (smtp_url)".into(),
            Mailer::Outbox { dir, .. } => format!("outbox folder {}", dir.display()),
        }
    }

    pub fn send(&self, email: &Email) -> Result<(), MailError> {
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from.clone(),
        };
        let message = build(from, email)?;
        match self {
            Mailer::Smtp { transport, .. } => transport
                .send(&message)
                .map(|_| ())
                .map_err(|e| MailError::Send(e.to_string())),
            Mailer::Outbox { dir, .. } => write_eml(dir, &message.formatted()),
        }
    }
}

fn build(from: Mailbox, email: &Email) -> Result<Message, MailError> {
    let to: Mailbox = email
        .to
        .parse()
        .map_err(|e| MailError::Build(format!("recipient: {e}")))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .date_now()
        .message_id(None);
    if let Some(link) = &email.unsubscribe_link {
        builder = builder
            .header(ListUnsubscribe(format!("<{link}>")))
            .header(ListUnsubscribePost);
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(email.text.clone());
    let html = SinglePart::builder()
        .header(ContentType::TEXT_HTML)
        .body(email.html.clone());
    builder
        .multipart(MultiPart::alternative().singlepart(text).singlepart(html))
        .map_err(|e| MailError::Build(e.to_string()))
}

/// Numbers the files this process writes, so that two written in the same
/// microsecond still sort in the order they were written.
static OUTBOX_SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// Written under a temporary name and renamed, so readers never see half a
/// file; readable by the owner only, since messages carry links and codes.
fn write_eml(dir: &std::path::Path, bytes: &[u8]) -> Result<(), MailError> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
    let sequence = OUTBOX_SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let name = format!(
        "{stamp}-{sequence:012}-{}.eml",
        crate::crypto::random_token(6)
    );
    let tmp = dir.join(format!(".{name}.tmp"));
    let io = |source| MailError::Outbox {
        path: dir.display().to_string(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    drop(file);
    std::fs::rename(&tmp, dir.join(name)).map_err(io)
}

/// RFC 2369 `List-Unsubscribe`.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// RFC 8058 one-click: `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbox_files_sort_in_writing_order_and_are_private() {
        let dir = tempfile::tempdir().unwrap();
        // Many files a microsecond or less apart: only the sequence orders them.
        for n in 0..200 {
            write_eml(dir.path(), format!("{n}").as_bytes()).unwrap();
        }
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        let contents: Vec<String> = names
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        let expected: Vec<String> = (0..200).map(|n| n.to_string()).collect();
        assert_eq!(contents, expected);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&names[0]).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
