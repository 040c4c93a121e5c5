-- Where each webhook endpoint is in the audit trail (the trail is its
-- durable queue), and how its deliveries go. One node delivers to an
-- endpoint at a time: the one holding its lease.
CREATE TABLE webhook_state (
    endpoint_id TEXT PRIMARY KEY,
    last_event_id INTEGER NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    last_error TEXT,
    last_status INTEGER,
    last_delivered_at TIMESTAMP,
    lease_owner TEXT,
    lease_until TIMESTAMP
);
