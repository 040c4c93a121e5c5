//! `idp config check`: every problem with the configuration at once, each
//! with its line and column in the file when it comes from there. Start-up
//! stops at the first problem; an operator fixing a file wants them all.

use std::path::Path;

use crate::config::{ConfigError, RawSettings, Settings};

/// A place in the configuration file, both counted from 1 (columns in
/// characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug)]
pub struct Problem {
    pub error: ConfigError,
    /// The file and place, when the problem is a key written there.
    pub file: Option<String>,
    pub at: Option<Location>,
}

/// The settings when there is nothing to report, else every problem.
pub fn check(
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Settings, Vec<Problem>> {
    let raw = match RawSettings::read(file, env) {
        Ok(raw) => raw,
        Err(error) => {
            let (path, at) = match &error {
                ConfigError::Syntax { path, span, .. } => {
                    let text = file.and_then(|f| std::fs::read_to_string(f).ok());
                    let at = span
                        .as_ref()
                        .zip(text.as_deref())
                        .map(|(span, text)| location(text, span.start));
                    (Some(path.clone()), at)
                }
                _ => (None, None),
            };
            return Err(vec![Problem {
                error,
                file: path,
                at,
            }]);
        }
    };
    let (errors, settings) = read_part_by_part(&raw);
    let mut errors = errors;
    if let Some(settings) = &settings {
        errors.extend(settings.problems());
    }
    if errors.is_empty() {
        if let Some(settings) = settings {
            return Ok(settings);
        }
    }
    Err(errors
        .into_iter()
        .map(|error| {
            let at = match &error {
                ConfigError::Invalid { key, .. } => {
                    raw.text.as_deref().and_then(|text| locate(text, key))
                }
                _ => None,
            };
            Problem {
                file: at.and(raw.path.clone()),
                error,
                at,
            }
        })
        .collect())
}

/// Deserialising stops at the first bad key, so each key (each key of a
/// section) is read on its own; the settings are then read without the
/// bad ones, so that range checks can run on the rest.
fn read_part_by_part(raw: &RawSettings) -> (Vec<ConfigError>, Option<Settings>) {
    let Err(first) = raw.deserialize(raw.root.clone()) else {
        return (Vec::new(), raw.deserialize(raw.root.clone()).ok());
    };
    let mut errors = Vec::new();
    let mut good = toml::Table::new();
    for (key, value) in &raw.root {
        let parts: Vec<(Option<&String>, &toml::Value)> = match value {
            // Providers are checked as a whole list (their keys depend on `kind`).
            toml::Value::Table(section) if key != "federation" => {
                section.iter().map(|(k, v)| (Some(k), v)).collect()
            }
            _ => vec![(None, value)],
        };
        for (sub, v) in parts {
            let mut alone = toml::Table::new();
            let part = match sub {
                Some(sub) => toml::Value::Table(toml::Table::from_iter([(sub.clone(), v.clone())])),
                None => v.clone(),
            };
            alone.insert(key.clone(), part.clone());
            match raw.deserialize(alone) {
                Err(e) => errors.push(e),
                Ok(_) => merge(&mut good, key, sub, v),
            }
        }
    }
    if errors.is_empty() {
        // Each part is fine alone but not together: report what serde said.
        errors.push(first);
        return (errors, None);
    }
    (errors, raw.deserialize(good).ok())
}

fn merge(good: &mut toml::Table, key: &str, sub: Option<&String>, value: &toml::Value) {
    match sub {
        None => {
            good.insert(key.to_owned(), value.clone());
        }
        Some(sub) => {
            let section = good
                .entry(key.to_owned())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(t) = section {
                t.insert(sub.clone(), value.clone());
            }
        }
    }
}

/// The line and column of a key path such as `argon2.max_queue` or
/// `federation.providers[1].issuer` in the file, when it is written there.
fn locate(text: &str, key: &str) -> Option<Location> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let mut table: &dyn toml_edit::TableLike = doc.as_table();
    let mut span = None;
    let mut segments = key.split('.').peekable();
    while let Some(segment) = segments.next() {
        let (name, index) = match segment.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (segment, None),
        };
        let (found_key, item) = table.get_key_value(name)?;
        span = found_key.span().or(span);
        let item = match (index, item) {
            (Some(i), toml_edit::Item::ArrayOfTables(list)) => {
                let element = list.get(i)?;
                span = element.span().or(span);
                if segments.peek().is_none() {
                    break;
                }
                table = element;
                continue;
            }
            (_, item) => item,
        };
        if segments.peek().is_none() {
            break;
        }
        table = item.as_table_like()?;
    }
    span.map(|s| location(text, s.start))
}

fn location(text: &str, offset: usize) -> Location {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_text(text: &str) -> Vec<(String, Option<(usize, usize)>)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idp.toml");
        std::fs::write(&path, text).unwrap();
        match check(Some(&path), Vec::new()) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .into_iter()
                .map(|p| (p.error.to_string(), p.at.map(|a| (a.line, a.column))))
                .collect(),
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let text = "issuer = \"https://id.example.com/\"\nbind = 8080\ncolour = \"red\"\n\n[argon2]\nmax_queue = 99999\n  iterations = \"three\"\n\n[tokens]\naccess_token_alg = \"HS256\"\n";
        let problems = check_text(text);
        let at = |needle: &str| {
            problems
                .iter()
                .find(|(m, _)| m.contains(needle))
                .unwrap_or_else(|| panic!("no problem with {needle} in {problems:?}"))
                .1
        };
        assert_eq!(at("`bind`"), Some((2, 1)), "a number where text belongs");
        assert_eq!(at("`colour`"), Some((3, 1)), "an unknown key");
        assert_eq!(
            at("argon2.iterations"),
            Some((7, 3)),
            "indented, column counted"
        );
        assert_eq!(at("key `issuer`"), Some((1, 1)), "range checks still run");
        assert_eq!(at("argon2.max_queue"), Some((6, 1)));
        assert_eq!(at("tokens.access_token_alg"), Some((10, 1)));
        assert_eq!(problems.len(), 6, "{problems:#?}");
    }

    #[test]
    fn a_syntax_error_has_its_place_too() {
        let problems = check_text("bind = \"127.0.0.1:8080\"\nissuer = \n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].1.map(|p| p.0), Some(2));
    }

    #[test]
    fn providers_are_located_by_index() {
        let text = "[[federation.providers]]\nid = \"a\"\nkind = \"google\"\nclient_id = \"x\"\nclient_secret = \"y\"\n\n[[federation.providers]]\nid = \"a\"\nkind = \"google\"\nclient_id = \"x\"\nclient_secret = \"y\"\n";
        let problems = check_text(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].0.contains("providers[1].id"), "{problems:?}");
        assert_eq!(problems[0].1, Some((8, 1)));
    }

    #[test]
    fn a_good_file_passes() {
        assert!(check_text("bind = \"127.0.0.1:9000\"\n[argon2]\nmax_queue = 10\n").is_empty());
    }
}
