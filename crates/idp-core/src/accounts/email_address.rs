//! An email address that has been checked and normalised; other modules
//! receive this type, never a raw string.

use std::fmt;

use super::FieldError;

pub const MAX_EMAIL_LENGTH: usize = 254;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Trims, lower-cases and checks `raw` (a practical subset of RFC 5321:
    /// dot-atom local part, DNS domain with a dot).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let err = |code| FieldError::new("email", code);
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(err("email_required"));
        }
        if value.chars().count() > MAX_EMAIL_LENGTH {
            return Err(err("email_too_long"));
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err(err("email_invalid"));
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let domain_ok = is_domain(domain);
        if !local_ok || !domain_ok {
            return Err(err("email_invalid"));
        }
        Ok(Self(value))
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or(&self.0)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A DNS name as addresses and domain claims need it: at least two labels of
/// letters, digits and inner hyphens, a non-numeric top level, lower case.
pub fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_ordinary_addresses() {
        let e = EmailAddress::parse("  Ada.Lovelace+idp@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "ada.lovelace+idp@example.com");
        assert_eq!(e.local_part(), "ada.lovelace+idp");
        assert!(EmailAddress::parse("x@mail.example.co.uk").is_ok());
    }

    #[test]
    fn rejects_malformed_addresses_with_a_reason() {
        for bad in [
            "plainaddress",
            "@example.com",
            "a@",
            "a@localhost",
            "a@@example.com",
            "a b@example.com",
            ".a@example.com",
            "a..b@example.com",
            "a@-example.com",
            "a@example.123",
            "a@exa_mple.com",
            "\"quoted\"@example.com",
            "ü@example.com",
        ] {
            let e = EmailAddress::parse(bad);
            assert!(e.is_err(), "{bad:?} was accepted");
        }
        assert_eq!(EmailAddress::parse("").unwrap_err().code, "email_required");
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            EmailAddress::parse(&long).unwrap_err().code,
            "email_too_long"
        );
    }
}
