//! Recovery codes: ten single-use codes shown once, for the day the phone
//! is lost. Each holds 80 random bits, so its SHA-256 is enough to keep
//! (as with session tokens); a slow hash would only slow the sign-in.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;

use crate::crypto::sha256_hex;
use crate::db::schema::recovery_codes as r;
use crate::db::DbConnection;

pub const CODES_PER_SET: usize = 10;
/// Crockford's base32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const GROUPS: usize = 4;
const GROUP_LEN: usize = 4;

fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let groups: Vec<String> = (0..GROUPS)
        .map(|_| {
            (0..GROUP_LEN)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    groups.join("-")
}

/// What is hashed: the code as typed, without dashes, spaces or case, and
/// with the letters people confuse read as Crockford does.
pub(super) fn normalize(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(GROUPS * GROUP_LEN);
    for c in typed.chars() {
        let c = match c.to_ascii_lowercase() {
            '-' | ' ' => continue,
            'i' | 'l' => '1',
            'o' => '0',
            c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => c,
            _ => return None,
        };
        out.push(c);
    }
    (out.len() == GROUPS * GROUP_LEN).then_some(out)
}

/// Replaces the account's codes with a new set and returns it, to show once.
pub(super) fn replace(
    conn: &mut DbConnection,
    account_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    remove_all(conn, account_id)?;
    let codes: Vec<String> = (0..CODES_PER_SET).map(|_| new_code()).collect();
    for code in &codes {
        let hash = sha256_hex(&normalize(code).expect("a new code is well formed"));
        diesel::insert_into(r::table)
            .values((
                r::code_hash.eq(hash),
                r::account_id.eq(account_id),
                r::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(codes)
}

pub(super) fn remove_all(conn: &mut DbConnection, account_id: &str) -> QueryResult<usize> {
    diesel::delete(r::table.filter(r::account_id.eq(account_id))).execute(conn)
}

/// Uses a code of the account: false when it is not one, or used already
/// (the conditional update lets only one of two racing requests have it).
pub(super) fn consume(
    conn: &mut DbConnection,
    account_id: &str,
    normalized: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        r::table
            .find(sha256_hex(normalized))
            .filter(r::account_id.eq(account_id))
            .filter(r::used_at.is_null()),
    )
    .set(r::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}

pub(super) fn unused(conn: &mut DbConnection, account_id: &str) -> QueryResult<i64> {
    r::table
        .filter(r::account_id.eq(account_id))
        .filter(r::used_at.is_null())
        .count()
        .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_four_groups_and_read_back_however_typed() {
        let code = new_code();
        assert_eq!(code.len(), 19, "{code}");
        let plain = normalize(&code).unwrap();
        assert_eq!(
            normalize(&code.to_uppercase().replace('-', " ")),
            Some(plain.clone())
        );
        assert_eq!(
            normalize("0000-1111-2222-3333"),
            normalize("oooo-iiii-2222-3333")
        );
        assert_eq!(normalize("abcd-efgh-jkmn-pqr"), None, "too short");
        assert_eq!(
            normalize("abcd-efgh-jkmn-pqrsu"),
            None,
            "u is not in the alphabet"
        );
        assert_eq!(normalize("123456"), None);
    }
}
