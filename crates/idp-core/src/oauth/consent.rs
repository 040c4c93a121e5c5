//! What a person allowed an app to have, remembered per person and app.

use diesel::prelude::*;

use super::Scopes;
use crate::db::schema::consents as c;
use crate::db::StoreError;
use crate::{now, Idp};

impl Idp {
    /// Whether the person already allowed the app at least `scopes`.
    pub fn has_consent(
        &self,
        account_id: &str,
        client_id: &str,
        scopes: &Scopes,
    ) -> Result<bool, StoreError> {
        let granted: Option<String> = self.db.read(|conn| {
            c::table
                .find((account_id, client_id))
                .select(c::scope)
                .first(conn)
                .optional()
                .map_err(StoreError::from)
        })?;
        Ok(granted
            .and_then(|g| Scopes::parse(&g))
            .is_some_and(|g| scopes.is_subset_of(&g)))
    }

    /// Remembers consent to `scopes` (adding to what was allowed before).
    pub fn grant_consent(
        &self,
        account_id: &str,
        client_id: &str,
        scopes: &Scopes,
    ) -> Result<(), StoreError> {
        self.db.write(|conn| {
            let before: Option<String> = c::table
                .find((account_id, client_id))
                .select(c::scope)
                .first(conn)
                .optional()?;
            let mut all = before
                .and_then(|b| Scopes::parse(&b))
                .unwrap_or_default()
                .to_string();
            for s in scopes.iter() {
                all.push(' ');
                all.push_str(s);
            }
            let merged = Scopes::parse(&all).unwrap_or_default().to_string();
            diesel::delete(c::table.find((account_id, client_id))).execute(conn)?;
            diesel::insert_into(c::table)
                .values((
                    c::account_id.eq(account_id),
                    c::client_id.eq(client_id),
                    c::scope.eq(merged),
                    c::granted_at.eq(now()),
                ))
                .execute(conn)?;
            Ok(())
        })
    }
}
