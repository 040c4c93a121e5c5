//! A space-separated scope list (RFC 6749 §3.3).

use std::fmt;

/// Scopes about the signed-in person: `openid`, the OIDC Core §5.4 claim
/// scopes and `offline_access`. Ordinary apps may ask for all of them (they
/// are a client's scopes when its registration names none), and none of
/// them means anything in a client's own token (client credentials), which
/// is about no person.
pub const PERSON_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "phone",
    "address",
    "offline_access",
];

pub fn is_person_scope(scope: &str) -> bool {
    PERSON_SCOPES.contains(&scope)
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// Splits on spaces, dropping repeats; `None` when a token has characters
    /// RFC 6749 does not allow.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut out: Vec<String> = Vec::new();
        for token in raw.split(' ').filter(|t| !t.is_empty()) {
            let ok = token
                .chars()
                .all(|c| c == '!' || ('#'..='[').contains(&c) || (']'..='~').contains(&c));
            if !ok || token.len() > 64 {
                return None;
            }
            if !out.iter().any(|s| s == token) {
                out.push(token.to_owned());
            }
        }
        Some(Self(out))
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_subset_of(&self, other: &Scopes) -> bool {
        self.iter().all(|s| other.contains(s))
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_compares() {
        let s = Scopes::parse("openid  email openid").unwrap();
        assert_eq!(s.to_string(), "openid email");
        assert!(Scopes::parse("openid").unwrap().is_subset_of(&s));
        assert!(Scopes::parse("bad\"scope").is_none());
        assert!(Scopes::parse("").unwrap().is_empty());
    }
}
