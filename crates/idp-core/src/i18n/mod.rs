//! Every string a person reads, one Fluent catalog per language.
//!
//! Handlers and email builders ask for a key such as `page.account.title`
//! (the Fluent message `page-account-title`); adding a language means adding
//! one `src/i18n/<tag>.ftl` file, which the build script embeds.

mod dates;
mod overrides;
mod variables;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use dates::{date, date_time};
pub use overrides::Overrides;

/// (language tag, catalog text), the fallback first.
const LANGUAGES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));

pub const FALLBACK: &str = "en";

struct Catalog {
    tag: &'static str,
    bundle: FluentBundle<FluentResource>,
}

fn catalogs() -> &'static [Catalog] {
    static CATALOGS: OnceLock<Vec<Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        LANGUAGES
            .iter()
            .map(|(tag, text)| Catalog {
                tag,
                bundle: bundle(tag, text).unwrap_or_else(|e| panic!("catalog {tag}.ftl: {e}")),
            })
            .collect()
    })
}

fn bundle(tag: &str, text: &str) -> Result<FluentBundle<FluentResource>, String> {
    let resource = FluentResource::try_new(text.to_owned())
        .map_err(|(_, errors)| format!("does not parse: {errors:?}"))?;
    let locale = tag
        .parse()
        .map_err(|e| format!("{tag} is not a language tag: {e}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![locale]);
    // Pages and emails are left-to-right text with no embedded scripts of the
    // other direction; isolation marks would only show up as stray characters.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .map_err(|errors| format!("defines a message twice: {errors:?}"))?;
    Ok(bundle)
}

fn catalog(tag: &str) -> Option<&'static Catalog> {
    catalogs().iter().find(|c| c.tag == tag)
}

/// The language tags with a catalog, fallback first.
pub fn languages() -> impl Iterator<Item = &'static str> {
    LANGUAGES.iter().map(|(tag, _)| *tag)
}

/// Picks the best supported language from an `Accept-Language`-style list
/// (or `ui_locales`, space separated).
pub fn negotiate(preferences: &str) -> &'static str {
    negotiate_among(preferences).unwrap_or(FALLBACK)
}

/// [`negotiate`], or `None` when nothing in the list is a language idp has.
pub fn negotiate_among(preferences: &str) -> Option<&'static str> {
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
}

/// The language to use for a stored preference (falls back when unknown).
pub fn supported(lang: &str) -> &'static str {
    languages().find(|l| *l == lang).unwrap_or(FALLBACK)
}

/// A language's name in that language, for a language switcher.
pub fn language_name(lang: &str) -> String {
    text(lang, "language.name")
}

/// The text for `key` in `lang`, falling back to English, then to the key.
pub fn text(lang: &str, key: &str) -> String {
    format(lang, key, &[])
}

/// [`text`] with `{ $name }` placeholders filled in. A value written as a
/// plain whole number is passed as a number, so that it selects the
/// language's plural form.
pub fn format(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    format_with(None, lang, key, args)
}

/// [`format`], with the operator's wording ([`Overrides`]) first where it
/// has the message.
pub fn format_with(
    overrides: Option<&Overrides>,
    lang: &str,
    key: &str,
    args: &[(&str, &str)],
) -> String {
    let id = key.replace('.', "-");
    let own = |tag: &str| catalog(tag).map(|c| &c.bundle);
    let found = overrides
        .and_then(|o| o.bundle(lang))
        .into_iter()
        .chain(own(lang))
        .chain(own(FALLBACK))
        .find_map(|b| Some((b, b.get_message(&id)?.value()?)));
    let Some((bundle, pattern)) = found else {
        return key.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, argument(value));
    }
    let mut errors = Vec::new();
    let out = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(
            lang,
            key,
            ?errors,
            "a catalog message did not format cleanly"
        );
    }
    out.into_owned()
}

fn argument(value: &str) -> FluentValue<'_> {
    match value.parse::<u64>() {
        // Only canonical numbers: a code such as "007" stays text.
        Ok(n) if n.to_string() == value => FluentValue::from(n),
        _ => FluentValue::from(value),
    }
}

#[cfg(test)]
mod tests;
