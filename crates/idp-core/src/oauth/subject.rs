//! Subject identifiers (OIDC Core §8): the account id for public clients;
//! for pairwise clients an HMAC of their sector and the account, so two apps
//! cannot match up the people they see. The session id (`sid`) is treated
//! the same way: two apps told of one sign-in session could otherwise match
//! their subjects through it.

use diesel::prelude::*;

use crate::clients::Client;
use crate::crypto::hmac_sign;
use crate::db::schema::pairwise_subjects as p;
use crate::db::{DbConnection, StoreError};
use crate::Idp;

impl Idp {
    /// The `sub` that `client` sees for `account_id`.
    pub fn subject_for(&self, client: &Client, account_id: &str) -> String {
        match &client.metadata.sector {
            None => account_id.to_owned(),
            Some(sector) => hmac_sign(&self.keys.pairwise, &format!("{sector}|{account_id}")),
        }
    }

    /// The `sid` that `client` sees for the sign-in session `session_id`, in
    /// ID tokens and logout tokens alike.
    pub fn session_id_for(&self, client: &Client, session_id: &str) -> String {
        match &client.metadata.sector {
            None => session_id.to_owned(),
            Some(sector) => hmac_sign(
                &self.keys.pairwise_session,
                &format!("{sector}|{session_id}"),
            ),
        }
    }

    /// [`Self::subject_for`], remembering a pairwise subject so that the
    /// person can be found when the client's token comes back.
    pub(crate) fn record_subject(
        &self,
        conn: &mut DbConnection,
        client: &Client,
        account_id: &str,
    ) -> QueryResult<String> {
        let subject = self.subject_for(client, account_id);
        if let Some(sector) = &client.metadata.sector {
            // Two first tokens for one person at once: the second finds the
            // row and leaves it.
            let row = (
                p::sector.eq(sector),
                p::subject.eq(&subject),
                p::account_id.eq(account_id),
            );
            crate::db::on_either_backend!(conn, |c| diesel::insert_into(p::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(c))?;
        }
        Ok(subject)
    }

    /// The account behind a subject `client` saw.
    pub(crate) fn account_of_subject(
        &self,
        client: &Client,
        subject: &str,
    ) -> Result<Option<String>, StoreError> {
        let Some(sector) = &client.metadata.sector else {
            return Ok(Some(subject.to_owned()));
        };
        self.db.read(|conn| {
            p::table
                .find((sector, subject))
                .select(p::account_id)
                .first(conn)
                .optional()
                .map_err(StoreError::from)
        })
    }
}
