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
