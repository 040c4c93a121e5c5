use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;

/// Each message of a catalog with the variables it uses; the catalog must
/// parse cleanly and define each message once, with a text.
fn messages(tag: &str, text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = fluent_syntax::parser::parse(text)
        .unwrap_or_else(|(_, errors)| panic!("{tag}.ftl does not parse: {errors:?}"));
    let mut out = BTreeMap::new();
    for (id, vars) in variables::of_resource(&resource) {
        let vars = vars.unwrap_or_else(|| panic!("{tag}: {id} has no text"));
        assert!(
            out.insert(id.to_owned(), vars).is_none(),
            "{tag}: {id} twice"
        );
    }
    out
}

#[test]
fn every_catalog_has_every_message_with_the_same_placeholders() {
    let english = messages(FALLBACK, LANGUAGES[0].1);
    assert!(LANGUAGES.len() >= 3, "en, ro and de at least");
    for (tag, text) in LANGUAGES {
        let catalog = messages(tag, text);
        let missing: Vec<_> = english
            .keys()
            .filter(|k| !catalog.contains_key(*k))
            .collect();
        let extra: Vec<_> = catalog
            .keys()
            .filter(|k| !english.contains_key(*k))
            .collect();
        assert!(missing.is_empty(), "{tag}.ftl lacks {missing:?}");
        assert!(
            extra.is_empty(),
            "{tag}.ftl has messages English lacks: {extra:?}"
        );
        for (id, vars) in &catalog {
            assert_eq!(vars, &english[id], "{tag}: {id} uses other placeholders");
        }
        // Loading the bundle catches what the parser allows but Fluent refuses.
        assert!(catalog_loads(tag), "{tag}");
    }
}

fn catalog_loads(tag: &str) -> bool {
    catalog(tag).is_some()
}

#[test]
fn numbers_choose_each_languages_plural_forms() {
    let minutes = |lang: &str, n: &str| format(lang, "error.too_many_attempts", &[("minutes", n)]);
    assert_eq!(
        minutes("en", "1"),
        "Too many failed attempts. Try again in one minute."
    );
    assert_eq!(
        minutes("en", "5"),
        "Too many failed attempts. Try again in 5 minutes."
    );
    // Romanian: one, few (2–19) and other (20 and up take "de").
    let ro: Vec<String> = ["1", "2", "20"].iter().map(|n| minutes("ro", n)).collect();
    assert!(!ro[0].contains('1'), "{}", ro[0]);
    assert!(ro[1].contains("2 minute"), "{}", ro[1]);
    assert!(ro[2].contains("20 de minute"), "{}", ro[2]);
    assert_ne!(minutes("de", "1"), minutes("de", "2").replace('2', "1"));
    // A code is text even when it is all digits.
    assert_eq!(argument("007"), FluentValue::from("007"));
}

#[test]
fn dates_are_written_in_the_readers_language() {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
        .unwrap()
        .and_hms_opt(9, 7, 0)
        .unwrap();
    assert_eq!(date("en", at), "5 December 2026");
    assert_eq!(date("ro", at), "5 decembrie 2026");
    assert_eq!(date("de", at), "5. Dezember 2026");
    assert!(date_time("en", at).contains("09:07"));
}

#[test]
fn negotiation_prefers_quality_and_falls_back() {
    assert_eq!(negotiate("de-DE,de;q=0.9,en;q=0.8"), "de");
    assert_eq!(negotiate("ro-RO,ro;q=0.9"), "ro");
    assert_eq!(negotiate("fr-FR, en;q=0.5"), "en");
    assert_eq!(negotiate("fr"), "en");
    assert_eq!(negotiate_among("fr"), None);
    assert_eq!(negotiate("en;q=0.1, de;q=0.9"), "de");
    assert_eq!(negotiate(""), "en");
    assert_eq!(format("en", "missing.key", &[]), "missing.key");
    assert_eq!(negotiate("de;q=NaN, en;q=2, fr;q=inf"), "en");
    let hostile = "x;q=0.5,x;q=NaN,".repeat(40) + "de;q=0.9";
    assert_eq!(negotiate(&hostile), "de");
    assert_eq!(language_name("ro"), "Română");
}

/// Keys the code builds from a prefix and a name held elsewhere in the code
/// (`format!("field.{name}")` with `"email"` passed as the name).
const BUILT_FROM_A_NAME: &[&str] = &[
    "field.",
    "notice.company.",
    "notice.security.",
    "notice.",
    "error.federation.",
    "error.organization.",
    "error.",
    "scope.",
    "button.make_",
    "page.company.role_",
    "page.colleagues.state_",
    "page.invitation.role_",
];

/// Sources whose dotted names are settings (`email.from`) and audit event
/// types (`email.changed`), not messages; they ask for none.
const NOT_MESSAGES: &[&str] = &["config.rs", "config_check.rs", "audit"];

/// Every Rust source of the crates that show text to people, except those
/// under a name in `skip`.
fn sources(skip: &[&str]) -> String {
    let core = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = String::new();
    for dir in [core.join("src"), core.join("../idp-http/src")] {
        read_tree(&dir, skip, &mut all);
    }
    all
}

fn read_tree(dir: &Path, skip: &[&str], out: &mut String) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("source entry").path();
        if path
            .file_name()
            .is_some_and(|n| skip.iter().any(|s| n == *s))
        {
            continue;
        }
        if path.is_dir() {
            read_tree(&path, skip, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push_str(&std::fs::read_to_string(&path).expect("source file"));
        }
    }
}

/// Whether the code asks for `key`: literally, or through a family.
fn used(key: &str, code: &str) -> bool {
    let quoted = |s: &str| code.contains(&format!("\"{s}\""));
    if quoted(key) {
        return true;
    }
    if let Some(n) = key.strip_prefix("month.") {
        return code.contains("\"month.{}\"")
            && n.parse::<u32>().is_ok_and(|n| (1..=12).contains(&n));
    }
    if let Some(rest) = key.strip_prefix("email.") {
        // email.{kind}.{subject|body|action}, composed from the kind's name.
        if let Some((kind, part)) = rest.split_once('.') {
            return ["subject", "body", "action"].contains(&part) && quoted(kind);
        }
    }
    BUILT_FROM_A_NAME.iter().any(|prefix| {
        key.strip_prefix(prefix)
            .is_some_and(|name| !name.contains('.') && quoted(name))
    })
}

#[test]
fn the_code_uses_every_message_and_every_message_it_uses_exists() {
    let code = sources(&[]);
    let english = messages(FALLBACK, LANGUAGES[0].1);
    let dotted: BTreeSet<String> = english.keys().map(|id| id.replace('-', ".")).collect();
    let unused: Vec<&String> = dotted.iter().filter(|k| !used(k, &code)).collect();
    assert!(unused.is_empty(), "messages no code asks for: {unused:?}");

    const GROUPS: &[&str] = &[
        "nav",
        "link",
        "button",
        "field",
        "bot_check",
        "notice",
        "page",
        "error",
        "email",
        "scope",
        "language",
        "layout",
        "cookies",
        "date",
    ];
    let asking = sources(NOT_MESSAGES);
    let missing: BTreeSet<&str> = asking
        .split('"')
        .filter(|s| {
            s.contains('.')
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
                && s.split('.').next().is_some_and(|g| GROUPS.contains(&g))
                && !s.ends_with('.')
        })
        .filter(|k| !dotted.contains(*k))
        // A family prefix written out ("error.federation", "button.make_")
        // is not a key.
        .filter(|k| {
            !BUILT_FROM_A_NAME
                .iter()
                .any(|p| p == k || p.strip_suffix('.') == Some(*k))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "keys the code asks for that en.ftl lacks: {missing:?}"
    );
}

fn operator_folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("messages")).unwrap();
    for (name, text) in files {
        std::fs::write(folder.path().join("messages").join(name), text).unwrap();
    }
    folder
}

#[test]
fn an_operators_wording_comes_first_in_its_language_only() {
    let folder = operator_folder(&[
        ("de.ftl", "# ours\npage-login-title = Willkommen zurück\nemail-verify-subject = Bitte bestätigen, { $given_name }\n"),
        ("README.txt", "not a catalog, not read"),
    ]);
    let wording = Overrides::load(folder.path()).expect("valid");
    assert_eq!(wording.len(), 2);
    let w = Some(&wording);
    assert_eq!(
        format_with(w, "de", "page.login.title", &[]),
        "Willkommen zurück"
    );
    assert_eq!(
        format_with(w, "de", "email.verify.subject", &[("given_name", "Kim")]),
        "Bitte bestätigen, Kim"
    );
    assert_eq!(format_with(w, "en", "page.login.title", &[]), "Sign in");
    assert_eq!(
        format_with(w, "de", "page.signup.title", &[]),
        format("de", "page.signup.title", &[])
    );
    // No folder of messages: nothing reworded.
    assert!(Overrides::load(tempfile::tempdir().unwrap().path())
        .unwrap()
        .is_empty());
}

#[test]
fn an_operators_mistakes_are_each_reported_with_file_and_line() {
    let folder = operator_folder(&[
        ("fr.ftl", "page-login-title = Se connecter\n"),
        (
            "de.ftl",
            "page-login-title = Hallo { $user }\npage-no-such = x\n",
        ),
        (
            "ro.ftl",
            "page-login-title = Bine\n\npage-signup-title = { $\n",
        ),
    ]);
    let Err(problems) = Overrides::load(folder.path()) else {
        panic!("the mistakes were not found");
    };
    let all = problems.join("\n");
    assert!(
        all.contains("messages/fr.ftl: idp has no fr catalog to reword (it has en, de, ro)"),
        "{all}"
    );
    assert!(all.contains("messages/de.ftl: page-login-title uses [\"user\"], which idp does not pass (it passes [])"), "{all}");
    assert!(
        all.contains("messages/de.ftl: idp has no message page-no-such to reword"),
        "{all}"
    );
    assert!(all.contains("messages/ro.ftl line 3: "), "{all}");
    assert_eq!(problems.len(), 4, "{all}");
}
