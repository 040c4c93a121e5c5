DROP TABLE recovery_codes;
DROP TABLE totp_factors;
ALTER TABLE organizations DROP COLUMN require_second_factor;
ALTER TABLE refresh_tokens DROP COLUMN amr;
ALTER TABLE authorization_codes DROP COLUMN amr;
ALTER TABLE sessions DROP COLUMN awaiting_second_factor;
ALTER TABLE sessions DROP COLUMN amr;
