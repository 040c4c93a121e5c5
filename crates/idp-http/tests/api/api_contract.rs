//! openapi.yaml and the server agree: the spec lists exactly the routed
//! operations, each with a unique operationId, and every documented operation
//! is routed, never fails with a 5xx, and answers errors as JSON with a
//! status the spec documents for it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::helpers::*;
use crate::on_both_databases;

const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.yaml");

/// The HTTP methods an OpenAPI path item may hold.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

struct SpecOperation {
    /// Upper case, as in `idp_http::api::OPERATIONS`.
    method: String,
    /// Relative to `/api/v1`, as in the spec.
    path: String,
    operation_id: Option<String>,
    has_body: bool,
    /// The documented response statuses ("200", "4XX", "default", …).
    statuses: BTreeSet<String>,
}

impl SpecOperation {
    fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn documents(&self, status: u16) -> bool {
        let class = format!("{}XX", status / 100);
        self.statuses.contains(&status.to_string())
            || self.statuses.contains(&class)
            || self.statuses.contains("default")
    }
}

fn spec() -> Value {
    let text = std::fs::read_to_string(SPEC_PATH)
        .unwrap_or_else(|e| panic!("cannot read {SPEC_PATH}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{SPEC_PATH} is not valid YAML: {e}"))
}

fn spec_operations(spec: &Value) -> Vec<SpecOperation> {
    let paths = spec["paths"]
        .as_object()
        .expect("openapi.yaml has a `paths` object");
    let mut operations = Vec::new();
    for (path, item) in paths {
        let item = item
            .as_object()
            .unwrap_or_else(|| panic!("path item {path} is not an object"));
        for (key, operation) in item {
            if !METHODS.contains(&key.as_str()) {
                continue;
            }
            let statuses = operation["responses"]
                .as_object()
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default();
            operations.push(SpecOperation {
                method: key.to_uppercase(),
                path: path.clone(),
                operation_id: operation["operationId"].as_str().map(str::to_owned),
                has_body: operation.get("requestBody").is_some(),
                statuses,
            });
        }
    }
    operations
}

#[test]
fn openapi_lists_exactly_the_routed_operations() {
    let spec = spec();
    let documented: BTreeSet<(String, String)> = spec_operations(&spec)
        .into_iter()
        .map(|op| (op.method, op.path))
        .collect();
    let routed: BTreeSet<(String, String)> = idp_http::api::OPERATIONS
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    let show = |set: BTreeSet<&(String, String)>| {
        set.iter()
            .map(|(m, p)| format!("  {m} {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let undocumented: BTreeSet<_> = routed.difference(&documented).collect();
    let unrouted: BTreeSet<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "openapi.yaml and idp_http::api::OPERATIONS differ.\n\
         Routed by the server but missing from openapi.yaml:\n{}\n\
         In openapi.yaml but not routed by the server:\n{}",
        show(undocumented),
        show(unrouted),
    );
}

#[test]
fn every_operation_has_a_unique_operation_id() {
    let spec = spec();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut problems = Vec::new();
    for op in spec_operations(&spec) {
        match &op.operation_id {
            None => problems.push(format!("{} has no operationId", op.label())),
            Some(id) if id.is_empty() => {
                problems.push(format!("{} has an empty operationId", op.label()))
            }
            Some(id) => {
                let camel = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && id.chars().all(|c| c.is_ascii_alphanumeric());
                if !camel {
                    problems.push(format!(
                        "{}: operationId {id:?} is not camelCase",
                        op.label()
                    ));
                }
                if let Some(other) = seen.insert(id.clone(), op.label()) {
                    problems.push(format!(
                        "operationId {id:?} is used by both {other} and {}",
                        op.label()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_spec_is_openapi_3_1_served_under_api_v1_with_resolvable_refs() {
    let spec = spec();
    let version = spec["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1."), "openapi: {version:?}");
    assert_eq!(spec["servers"][0]["url"], "/api/v1");
    let schemes = &spec["components"]["securitySchemes"];
    let session = &schemes["sessionCookie"];
    assert_eq!(
        (&session["type"], &session["in"], &session["name"]),
        (
            &Value::from("apiKey"),
            &Value::from("cookie"),
            &Value::from("idp_session")
        )
    );
    let csrf = &schemes["csrfHeader"];
    assert_eq!(
        (&csrf["type"], &csrf["in"], &csrf["name"]),
        (
            &Value::from("apiKey"),
            &Value::from("header"),
            &Value::from("X-CSRF-Token")
        )
    );
    let mut refs = Vec::new();
    collect_refs(&spec, &mut refs);
    assert!(!refs.is_empty());
    let dangling: Vec<&String> = refs
        .iter()
        .filter(|r| match r.strip_prefix('#') {
            Some(pointer) => spec.pointer(pointer).is_none(),
            None => true, // only local references are expected
        })
        .collect();
    assert!(dangling.is_empty(), "unresolvable $refs: {dangling:?}");
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// Calls every documented operation once from `client` (CSRF header set,
/// `{}` as the body where there is one) and returns the problems found.
async fn call_every_operation(app: &TestApp, client: &reqwest::Client, who: &str) -> Vec<String> {
    let spec = spec();
    let mut operations = spec_operations(&spec);
    // Calls that end the session go last, so the others still run signed in.
    operations.sort_by_key(|op| op.method == "DELETE" && !op.has_body);
    let mut problems = Vec::new();
    for op in &operations {
        let token = app.api_csrf(client).await;
        let path = op.path.replace("{id}", "no-such-session");
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let mut request = client
            .request(method, app.url(&format!("/api/v1{path}")))
            .header("X-CSRF-Token", token);
        if op.has_body {
            request = request.json(&serde_json::json!({}));
        }
        let response = request.send().await.expect("API call");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = response.text().await.unwrap();
        let label = format!("{who}: {} (as {path})", op.label());
        let body: Option<Value> = serde_json::from_str(&text).ok();
        let error = body
            .as_ref()
            .and_then(|b| b["error"].as_str())
            .map(str::to_owned);
        if status == 404 && error.as_deref() == Some("unknown_operation") {
            problems.push(format!("{label}: not routed (404 unknown_operation)"));
            continue;
        }
        if status >= 500 {
            problems.push(format!("{label}: server error {status}: {text}"));
        }
        if !op.documents(status) {
            problems.push(format!(
                "{label}: status {status} is not documented (documented: {:?}); body: {text}",
                op.statuses
            ));
        }
        if status >= 400 {
            let described = body
                .as_ref()
                .is_some_and(|b| b["error_description"].is_string());
            if error.is_none() || !described || !content_type.starts_with("application/json") {
                problems.push(format!(
                    "{label}: error {status} is not JSON with `error` and `error_description` \
                     (content-type {content_type:?}): {text}"
                ));
            }
        }
    }
    problems
}

on_both_databases! {
    async fn every_documented_operation_is_routed_and_answers_json(app) {
        let anonymous = browser();
        let mut problems = call_every_operation(&app, &anonymous, "signed out").await;
        let signed_in = app.signed_up_and_verified("contract@example.com", PASSWORD).await;
        let r = app.sign_in(&signed_in, "contract@example.com", PASSWORD).await;
        assert_eq!(r.status(), 303, "sign-in for the signed-in pass");
        problems.extend(call_every_operation(&app, &signed_in, "signed in").await);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
