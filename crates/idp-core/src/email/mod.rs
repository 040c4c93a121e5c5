//! Outgoing email: SMTP when configured, else one `.eml` file per message in
//! the outbox folder (how a laptop install and the tests read mail).

mod messages;

pub use messages::{Action, Email};

use std::path::PathBuf;

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
                std::fs::create_dir_all(&dir).map_err(|source| MailError::Outbox {
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

/// Written under a temporary name and renamed, so readers never see half a file.
fn write_eml(dir: &std::path::Path, bytes: &[u8]) -> Result<(), MailError> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ");
    let name = format!("{stamp}-{}.eml", crate::crypto::random_token(6));
    let tmp = dir.join(format!(".{name}.tmp"));
    let io = |source| MailError::Outbox {
        path: dir.display().to_string(),
        source,
    };
    std::fs::write(&tmp, bytes).map_err(io)?;
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

impl crate::Idp {
    /// Sends `email`; a failure is logged, not returned, because the action
    /// that caused it has already happened and the person can ask again.
    pub(crate) fn deliver(&self, email: &Email) {
        if let Err(e) = self.mailer.send(email) {
            tracing::error!(error = %e, subject = %email.subject, "email not sent");
        }
    }
}
