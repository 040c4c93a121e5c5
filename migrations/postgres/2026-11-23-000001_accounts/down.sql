DROP TABLE bot_check_used;
DROP TABLE login_throttle;
DROP TABLE one_time_tokens;
DROP TABLE sessions;
DROP TABLE accounts;
DROP TABLE server_secrets;
