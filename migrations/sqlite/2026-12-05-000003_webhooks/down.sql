DROP TABLE webhook_state;
