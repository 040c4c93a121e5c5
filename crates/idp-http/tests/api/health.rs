use crate::helpers::*;
use crate::on_both_databases;

on_both_databases! {
    async fn health_and_readiness_answer(app) {
        let client = browser();
        let r = client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let r = client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers().contains_key("x-request-id"));
    }
}
