//! When the database fails in the middle of a request, the answer says
//! "try again later" and never passes on what the database said.

use diesel::prelude::*;
use idp_core::db::StoreError;

use crate::helpers::*;
use crate::on_both_databases;

on_both_databases! {
    async fn logout_cannot_look_up_the_app_and_says_so_without_details(app) {
        app.idp.db.write(|conn| {
            diesel::sql_query("ALTER TABLE clients RENAME TO clients_away")
                .execute(conn)
                .map_err(StoreError::from)
        }).unwrap();
        let (status, html) = app.page(&browser(),
            "/logout?client_id=shop&post_logout_redirect_uri=https%3A%2F%2Fshop.example.com%2F").await;
        assert_eq!(status, 503, "{html}");
        let text = html.to_lowercase();
        assert!(!text.contains("clients") && !text.contains("database error"), "{html}");
    }
}

/// Connections are not asked `SELECT 1` at every checkout, only after
/// idling (see `db::TRUSTED_FOR`); one that the server ended is still
/// noticed and replaced. A PostgreSQL matter: SQLite has no server to lose.
#[actix_web::test]
async fn connections_the_server_ended_leave_the_pool() {
    use crate::helpers::{Backend, TestApp};
    let app = TestApp::spawn(Backend::Postgres).await;
    let idle_past_the_window = || actix_web::rt::time::sleep(std::time::Duration::from_millis(700));
    let ready = || async {
        reqwest::get(format!("{}/readyz", app.address))
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let end_connections = || {
        let mut admin = diesel::PgConnection::establish(&app.database_url).unwrap();
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .execute(&mut admin)
        .unwrap()
    };

    idle_past_the_window().await;
    assert_eq!(ready().await, 200);
    assert!(end_connections() > 0, "the pool had connections open");
    // The connection just used is trusted: its call may fail (and says so),
    // and it leaves the pool; the next call is served.
    let first = ready().await;
    assert!(first == 200 || first == 503, "{first}");
    assert_eq!(
        ready().await,
        200,
        "a broken connection came back to the pool"
    );

    idle_past_the_window().await;
    assert!(end_connections() > 0);
    assert_eq!(
        ready().await,
        200,
        "an idle connection is checked before use"
    );
    for _ in 0..5 {
        assert_eq!(ready().await, 200);
    }
}
