//! The variables (`{ $name }`) a Fluent message uses: a translation or an
//! operator's rewording may use only those the code passes.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;

/// Each message of a parsed resource with the variables it uses; a message
/// without a value (attributes only) maps to `None`.
pub(super) fn of_resource<'s>(
    resource: &ast::Resource<&'s str>,
) -> Vec<(&'s str, Option<BTreeSet<String>>)> {
    resource
        .body
        .iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(m) => Some((m.id.name, m.value.as_ref().map(of_pattern))),
            _ => None,
        })
        .collect()
}

/// [`of_resource`] for one of idp's own catalogs, which the tests hold to
/// parse cleanly and to define each message once.
pub(super) fn of_catalog(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    let resource = match fluent_syntax::parser::parse(text) {
        Ok(r) | Err((r, _)) => r,
    };
    of_resource(&resource)
        .into_iter()
        .map(|(id, vars)| (id.to_owned(), vars.unwrap_or_default()))
        .collect()
}

fn of_pattern(p: &ast::Pattern<&str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    pattern(p, &mut out);
    out
}

fn pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &p.elements {
        if let ast::PatternElement::Placeable { expression: e } = element {
            expression(e, out);
        }
    }
}

fn expression(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline(selector, out);
            for v in variants {
                pattern(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => inline(i, out),
    }
}

fn inline(e: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression: e } => expression(e, out),
        _ => {}
    }
}
