//! Every string a person reads, one catalog file per language.
//!
//! Handlers and email builders ask for a key; adding a language means adding
//! a file here and a line in [`LANGUAGES`], nothing else.

use std::collections::HashMap;
use std::sync::OnceLock;

/// (language tag, catalog). The first one is the fallback for missing keys.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", include_str!("en.toml")),
    ("de", include_str!("de.toml")),
];

type Catalogs = HashMap<&'static str, HashMap<String, String>>;

fn catalogs() -> &'static Catalogs {
    static CATALOGS: OnceLock<Catalogs> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        LANGUAGES
            .iter()
            .map(|(lang, text)| {
                let table: toml::Table = text.parse().expect("catalog is valid TOML");
                let mut flat = HashMap::new();
                flatten("", &table, &mut flat);
                (*lang, flat)
            })
            .collect()
    })
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(t) => flatten(&full, t, out),
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            other => panic!("catalog key {full} is not a string: {other:?}"),
        }
    }
}

/// The language tags with a catalog, fallback first.
pub fn languages() -> impl Iterator<Item = &'static str> {
    LANGUAGES.iter().map(|(lang, _)| *lang)
}

pub const FALLBACK: &str = "en";

/// Picks the best supported language from an `Accept-Language`-style list
/// (or `ui_locales`, space separated).
pub fn negotiate(preferences: &str) -> &'static str {
    let mut ranked: Vec<(f32, &str)> = preferences
        .split([',', ' '])
        .filter_map(|part| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim();
            if tag.is_empty() {
                return None;
            }
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(|q| q.parse::<f32>()))
                .unwrap_or(Ok(1.0))
                .ok()
                // NaN or out-of-range weights are malformed: drop the entry.
                .filter(|q| (0.0..=1.0).contains(q))?;
            Some((q, tag))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked
        .iter()
        .filter(|(q, _)| *q > 0.0)
        .find_map(|(_, tag)| {
            let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
            languages().find(|l| *l == primary)
        })
        .unwrap_or(FALLBACK)
}

/// The language to use for a stored preference (falls back when unknown).
pub fn supported(lang: &str) -> &'static str {
    languages().find(|l| *l == lang).unwrap_or(FALLBACK)
}

/// The text for `key` in `lang`, falling back to English, then to the key.
pub fn text(lang: &str, key: &str) -> String {
    let all = catalogs();
    all.get(lang)
        .and_then(|c| c.get(key))
        .or_else(|| all.get(FALLBACK).and_then(|c| c.get(key)))
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// [`text`] with `{name}` placeholders filled in.
pub fn format(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    let mut out = text(lang, key);
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut found: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(name, _)| name))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn every_translation_has_english_and_the_same_placeholders() {
        let all = catalogs();
        let english = &all[FALLBACK];
        for (lang, catalog) in all {
            for (key, value) in catalog {
                let en = english
                    .get(key)
                    .unwrap_or_else(|| panic!("{lang}: {key} has no English text"));
                assert_eq!(placeholders(en), placeholders(value), "{lang}: {key}");
            }
        }
    }

    /// Someone who signs in through a provider meets these on its pages,
    /// its failures, My Profile's sign-in methods and the emails about
    /// them: each language has all of them, not half of them.
    #[test]
    fn federation_texts_are_in_every_language() {
        const WHOLE: &[&str] = &[
            "page.federation.",
            "error.federation.",
            "email.link_code.",
            "email.identity_linked.",
            "email.identity_unlinked.",
        ];
        const ALSO: &[&str] = &[
            "button.continue_with",
            "button.link_provider",
            "button.unlink",
            "button.link_account",
            "button.send_link_code",
            "button.prove_password",
            "button.prove_code",
            "button.create_account",
            "button.cancel",
            "field.code",
            "field.marketing_opt_in",
            "notice.identity_linked",
            "notice.identity_unlinked",
            "notice.sign_in_to_link",
            "notice.link_code_sent",
            "page.account.identities",
            "page.account.no_identities",
            "page.account.identity_line",
            "page.account.link_another",
            "page.account.no_password",
            "page.account.set_password",
            "email.footer",
        ];
        let all = catalogs();
        let wanted: Vec<&str> = all[FALLBACK]
            .keys()
            .map(String::as_str)
            .filter(|k| WHOLE.iter().any(|prefix| k.starts_with(prefix)))
            .chain(ALSO.iter().copied())
            .collect();
        for (lang, catalog) in all {
            for key in &wanted {
                assert!(
                    catalog.contains_key(*key),
                    "{lang}: {key} is not translated"
                );
            }
        }
    }

    #[test]
    fn negotiation_prefers_quality_and_falls_back() {
        assert_eq!(negotiate("de-DE,de;q=0.9,en;q=0.8"), "de");
        assert_eq!(negotiate("fr-FR, en;q=0.5"), "en");
        assert_eq!(negotiate("fr"), "en");
        assert_eq!(negotiate("en;q=0.1, de;q=0.9"), "de");
        assert_eq!(negotiate(""), "en");
        assert_eq!(format("en", "missing.key", &[]), "missing.key");
        assert_eq!(negotiate("de;q=NaN, en;q=2, fr;q=inf"), "en");
        let hostile = "x;q=0.5,x;q=NaN,".repeat(40) + "de;q=0.9";
        assert_eq!(negotiate(&hostile), "de");
    }
}
