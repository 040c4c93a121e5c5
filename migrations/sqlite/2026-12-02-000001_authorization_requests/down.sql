DROP TABLE authorization_requests;
