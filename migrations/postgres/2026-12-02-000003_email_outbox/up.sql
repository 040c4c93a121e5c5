-- Outgoing mail, written in the transaction of the change that causes it and
-- sent by a background worker. `body` is the message sealed with the master
-- key (AES-256-GCM) and is cleared once the message is sent or given up; the
-- other columns stay a day for the per-account and per-address quotas.
CREATE TABLE email_outbox (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    account_id TEXT,
    body TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claim TEXT,
    claimed_until TIMESTAMP,
    sent_at TIMESTAMP,
    last_error TEXT
);
CREATE INDEX email_outbox_due ON email_outbox(status, next_attempt_at);
CREATE INDEX email_outbox_recipient ON email_outbox(recipient, created_at);
CREATE INDEX email_outbox_account ON email_outbox(account_id, created_at);
