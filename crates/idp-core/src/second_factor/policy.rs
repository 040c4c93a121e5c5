//! Who owes a second factor, and how a sign-in is described to apps
//! (`acr`, and RFC 8176 `amr` values).

use diesel::prelude::*;

use crate::accounts::Account;
use crate::config::{SecondFactorRequirement, SecondFactorSettings};
use crate::db::schema::{
    organization_members as m, organizations as o, passkeys as pk, totp_factors as t,
};
use crate::db::DbConnection;

/// A password alone, or a sign-in through another provider.
pub const ACR_SINGLE_FACTOR: &str = "urn:idp:acr:single-factor";
/// A password and a second factor.
pub const ACR_MULTI_FACTOR: &str = "urn:idp:acr:multi-factor";
/// As advertised in discovery (`acr_values_supported`), weakest first.
pub const ACR_VALUES: [&str; 2] = [ACR_SINGLE_FACTOR, ACR_MULTI_FACTOR];

/// RFC 8176: more than one factor was used.
pub(super) const AMR_MULTI: &str = "mfa";
/// RFC 8176: a one-time code (an authenticator app or a recovery code).
pub(super) const AMR_OTP: &str = "otp";
/// RFC 8176: a hardware-secured key proved held (a passkey).
pub(super) const AMR_HWK: &str = "hwk";

/// The `amr` a way of signing in starts a session with (`sessions::create`'s
/// `method`). Nothing is claimed for another provider's sign-in: idp does
/// not know how that one was made.
pub(crate) fn method_amr(method: &str) -> &'static str {
    match method {
        "password" | "invitation" => "pwd",
        // A passkey is used only with user verification (a PIN or the
        // device's biometrics): two factors in one.
        "passkey" => "hwk mfa",
        _ => "",
    }
}

pub fn is_multi_factor(amr: &str) -> bool {
    amr.split_whitespace().any(|m| m == AMR_MULTI)
}

pub fn acr_of(amr: &str) -> &'static str {
    if is_multi_factor(amr) {
        ACR_MULTI_FACTOR
    } else {
        ACR_SINGLE_FACTOR
    }
}

pub fn amr_claim(amr: &str) -> Vec<&str> {
    amr.split_whitespace().collect()
}

/// `amr` after a second factor of `method`.
pub(super) fn with_second_factor(amr: &str, method: &str) -> String {
    let mut methods: Vec<&str> = amr.split_whitespace().collect();
    for m in [method, AMR_MULTI] {
        if !methods.contains(&m) {
            methods.push(m);
        }
    }
    methods.join(" ")
}

/// Whether an app's `acr_values` asks for a second factor: every value idp
/// knows in the list is the multi-factor one. Unknown values are ignored, as
/// OpenID Connect lets a provider do with a voluntary request.
pub fn requests_multi_factor(acr_values: Option<&str>) -> bool {
    let mut known = acr_values
        .unwrap_or("")
        .split_whitespace()
        .filter(|v| ACR_VALUES.contains(v))
        .peekable();
    known.peek().is_some() && known.all(|v| v == ACR_MULTI_FACTOR)
}

/// Whether the person has a factor they can prove: a confirmed app or a
/// passkey.
pub(super) fn has_factor(conn: &mut DbConnection, account_id: &str) -> QueryResult<bool> {
    let app: bool = diesel::select(diesel::dsl::exists(
        t::table
            .find(account_id)
            .filter(t::confirmed_at.is_not_null()),
    ))
    .get_result(conn)?;
    if app {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        pk::table.filter(pk::account_id.eq(account_id)),
    ))
    .get_result(conn)
}

/// Whether a sign-in of `account` owes a second factor before it counts:
/// when they set one up, when the operator requires it of them, or when an
/// organization they belong to does. Every way of signing in asks this
/// (`sessions::create`), so none of them skips it.
pub(crate) fn due_at_sign_in(
    conn: &mut DbConnection,
    settings: &SecondFactorSettings,
    account: &Account,
) -> QueryResult<bool> {
    Ok(has_factor(conn, &account.id)? || required_of(conn, settings, account)?)
}

/// Whether the operator or one of the person's organizations requires a
/// second factor of them, whatever they set up themselves.
pub(super) fn required_of(
    conn: &mut DbConnection,
    settings: &SecondFactorSettings,
    account: &Account,
) -> QueryResult<bool> {
    let by_operator = match settings.require {
        SecondFactorRequirement::Everyone => true,
        SecondFactorRequirement::Admins => account.is_admin,
        SecondFactorRequirement::Nobody => false,
    };
    if by_operator {
        return Ok(true);
    }
    // An organization's rule covers its branches: the member's own
    // organizations and every one above them.
    let memberships: Vec<(String, String)> = m::table
        .inner_join(o::table)
        .filter(m::account_id.eq(&account.id))
        .select((o::id, o::path))
        .load(conn)?;
    let ids: Vec<String> = memberships
        .into_iter()
        .flat_map(|(id, path)| {
            let above: Vec<String> = path.split_whitespace().map(str::to_owned).collect();
            std::iter::once(id).chain(above)
        })
        .collect();
    if ids.is_empty() {
        return Ok(false);
    }
    diesel::select(diesel::dsl::exists(
        o::table
            .filter(o::id.eq_any(&ids))
            .filter(o::require_second_factor.eq(true)),
    ))
    .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_request_for_nothing_but_multi_factor_asks_for_it() {
        assert!(requests_multi_factor(Some(ACR_MULTI_FACTOR)));
        assert!(requests_multi_factor(Some(&format!(
            "urn:other {ACR_MULTI_FACTOR}"
        ))));
        assert!(!requests_multi_factor(Some(&format!(
            "{ACR_MULTI_FACTOR} {ACR_SINGLE_FACTOR}"
        ))));
        assert!(!requests_multi_factor(Some("urn:other")));
        assert!(!requests_multi_factor(Some("")));
        assert!(!requests_multi_factor(None));
    }

    #[test]
    fn a_second_factor_adds_its_method_and_mfa_once() {
        let amr = with_second_factor("pwd", AMR_OTP);
        assert_eq!(amr, "pwd otp mfa");
        assert_eq!(with_second_factor(&amr, AMR_OTP), amr);
        assert_eq!(acr_of(&amr), ACR_MULTI_FACTOR);
        assert_eq!(acr_of("pwd"), ACR_SINGLE_FACTOR);
        assert_eq!(amr_claim(""), Vec::<&str>::new());
    }
}
