//! An operator's own wording: `messages/<tag>.ftl` in the branding folder
//! holds Fluent messages that replace idp's of the same name, in pages and
//! emails alike (docs/branding.md). Each is checked at start, so a typo is
//! a refusal to start with its line, never a page showing a raw key.

use std::path::Path;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::FluentResource;

use super::{bundle, catalog, languages, variables, Catalog, LANGUAGES};

/// The largest override file read.
const MAX_FILE_BYTES: u64 = 256 * 1024;

/// The operator's messages, by language; empty when there are none.
#[derive(Default)]
pub struct Overrides {
    catalogs: Vec<Catalog>,
    messages: usize,
}

impl Overrides {
    /// Reads `folder/messages/*.ftl`; every problem, each naming its file
    /// (and line, where it has one).
    pub fn load(folder: &Path) -> Result<Self, Vec<String>> {
        let dir = folder.join("messages");
        if !dir.is_dir() {
            return Ok(Self::default());
        }
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| vec![format!("cannot read {}: {e}", dir.display())])?;
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
            .collect();
        files.sort();
        let (mut catalogs, mut messages, mut problems) = (Vec::new(), 0, Vec::new());
        for path in files {
            match load_file(&path) {
                Ok((c, n)) => {
                    catalogs.push(c);
                    messages += n;
                }
                Err(mut p) => problems.append(&mut p),
            }
        }
        if problems.is_empty() {
            Ok(Self { catalogs, messages })
        } else {
            Err(problems)
        }
    }

    pub(super) fn bundle(&self, lang: &str) -> Option<&FluentBundle<FluentResource>> {
        self.catalogs
            .iter()
            .find(|c| c.tag == lang)
            .map(|c| &c.bundle)
    }

    /// How many messages the operator rewords, in every language together.
    pub fn len(&self) -> usize {
        self.messages
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One file's catalog and how many messages it rewords.
fn load_file(path: &Path) -> Result<(Catalog, usize), Vec<String>> {
    let name = format!(
        "messages/{}",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let Some(tag) = languages().find(|l| *l == stem) else {
        let known: Vec<&str> = languages().collect();
        return Err(vec![format!(
            "{name}: idp has no {stem} catalog to reword (it has {})",
            known.join(", ")
        )]);
    };
    let too_big = std::fs::metadata(path).map_or(true, |m| m.len() > MAX_FILE_BYTES);
    if too_big {
        return Err(vec![format!(
            "{name}: unreadable, or larger than {} KiB",
            MAX_FILE_BYTES / 1024
        )]);
    }
    let text = std::fs::read_to_string(path).map_err(|e| vec![format!("{name}: {e}")])?;
    let line = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
    let resource = match fluent_syntax::parser::parse(text.as_str()) {
        Ok(r) => r,
        Err((_, errors)) => {
            return Err(errors
                .iter()
                .map(|e| format!("{name} line {}: {}", line(e.pos.start), e.kind))
                .collect())
        }
    };
    let own_text = LANGUAGES
        .iter()
        .find(|(t, _)| *t == tag)
        .map_or("", |(_, text)| *text);
    let own = variables::of_catalog(own_text);
    let mut problems = Vec::new();
    let reworded = variables::of_resource(&resource);
    for (id, vars) in &reworded {
        let Some(allowed) = passed(&own, id) else {
            problems.push(format!("{name}: idp has no message {id} to reword"));
            continue;
        };
        match vars {
            None => problems.push(format!("{name}: {id} has no text")),
            Some(vars) => {
                let unknown: Vec<&String> = vars.difference(&allowed).collect();
                if !unknown.is_empty() {
                    let offered: Vec<&String> = allowed.iter().collect();
                    problems.push(format!(
                        "{name}: {id} uses {unknown:?}, which idp does not pass (it passes {offered:?})"
                    ));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    debug_assert!(catalog(tag).is_some());
    let bundle = bundle(tag, &text).map_err(|e| vec![format!("{name}: {e}")])?;
    Ok((Catalog { tag, bundle }, reworded.len()))
}

/// The variables the code passes to message `id`: those idp's own wording
/// uses, and for an email's subject, body and button, all three's and the
/// product name (one set of values is passed to each part of a message).
fn passed(
    own: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    id: &str,
) -> Option<std::collections::BTreeSet<String>> {
    let mut vars = own.get(id)?.clone();
    if let Some(rest) = id.strip_prefix("email-") {
        if let Some((kind, _part)) = rest.split_once('-') {
            let family = format!("email-{kind}-");
            own.iter()
                .filter(|(other, _)| other.starts_with(&family))
                .for_each(|(_, v)| vars.extend(v.iter().cloned()));
        }
        vars.insert("product".to_owned());
    }
    Some(vars)
}
