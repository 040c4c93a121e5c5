//! `/healthz` says the process answers; `/readyz` says its database does too,
//! so that a load balancer sends no one to a node that cannot serve them.

use std::sync::{mpsc, Arc, Barrier};
use std::time::Duration;

use crate::helpers::*;
use crate::{for_both_backends, on_both_databases};

async fn status_of(app: &TestApp, path: &str) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new()
        .get(app.url(path))
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

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

/// PostgreSQL: the database is dropped under the running node. SQLite,
/// whose file stays open whatever happens to it on disk: every pooled
/// connection is held elsewhere, so none answers. Either way the node is
/// alive but not ready, and ready again once connections free up.
async fn a_node_whose_database_does_not_answer_is_not_ready(backend: Backend) {
    const POOL: u32 = 2;
    let app = TestApp::spawn_with(backend, |s| s.database.max_connections = POOL).await;
    assert_eq!(status_of(&app, "/readyz").await.0, 200);

    let mut release = None;
    match backend {
        Backend::Postgres => app.drop_postgres_database(),
        Backend::Sqlite => {
            let held = Arc::new(Barrier::new(POOL as usize + 1));
            let (done, wait) = mpsc::channel::<()>();
            let wait = Arc::new(std::sync::Mutex::new(wait));
            for _ in 0..POOL {
                let (idp, held, wait) = (app.idp.clone(), held.clone(), wait.clone());
                std::thread::spawn(move || {
                    idp.db
                        .read(|_| {
                            held.wait();
                            let _ = wait.lock().unwrap().recv();
                            Ok::<_, idp_core::db::StoreError>(())
                        })
                        .unwrap();
                });
            }
            held.wait();
            release = Some(done);
        }
    }

    let (status, body) = status_of(&app, "/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["status"], "database unreachable");
    let (status, body) = status_of(&app, "/healthz").await;
    assert_eq!(status, 200, "the process itself still answers: {body}");

    if let Some(release) = release {
        drop(release);
        assert_eq!(status_of(&app, "/readyz").await.0, 200, "ready again");
    }
}

for_both_backends!(a_node_whose_database_does_not_answer_is_not_ready);
