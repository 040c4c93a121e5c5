//! openapi.yaml and the server agree: the spec lists exactly the routed
//! operations, each with a unique operationId, and every documented operation
//! is routed, never fails with a 5xx, and answers errors as JSON with a
//! status the spec documents for it, in a body that matches the schema the
//! spec gives for that status. An administrator's token makes every admin
//! operation succeed, with the documented success body.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::helpers::*;
use crate::oauth_helpers::{client_token, service_client};
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
    /// The request body's schema.
    body_schema: Option<Value>,
    /// The documented response statuses ("200", "4XX", "default", …).
    statuses: BTreeSet<String>,
    /// The `responses` object, by status.
    responses: Value,
}

impl SpecOperation {
    fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn documents(&self, status: u16) -> bool {
        self.response(status).is_some()
    }

    /// The documented response for `status` (exact, class, or default).
    fn response(&self, status: u16) -> Option<&Value> {
        [
            status.to_string(),
            format!("{}XX", status / 100),
            "default".into(),
        ]
        .iter()
        .find_map(|key| self.responses.get(key))
    }

    fn is_admin(&self) -> bool {
        self.path.starts_with("/admin/")
    }
}

/// Follows a local `$ref` (`#/components/...`), if `value` is one.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) => spec.pointer(r.strip_prefix('#')?),
        None => Some(value),
    }
}

/// Checks an answer against what the spec documents for its status: the
/// JSON schema of its content, or no body where it documents no content.
fn check_body(
    spec: &Value,
    op: &SpecOperation,
    status: u16,
    text: &str,
    label: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(response) = op.response(status).and_then(|r| resolve(spec, r)) else {
        return problems;
    };
    match response["content"]["application/json"].get("schema") {
        Some(schema) => match serde_json::from_str::<Value>(text) {
            Ok(body) => {
                check_schema(spec, schema, &body, "", &mut problems);
                for p in &mut problems {
                    *p = format!("{label}: {status} body {p}; body: {text}");
                }
            }
            Err(_) => problems.push(format!("{label}: {status} body is not JSON: {text}")),
        },
        // Documented as another media type only (an image): not JSON to check.
        None if response.get("content").is_some() => {}
        None if !text.is_empty() => {
            problems.push(format!("{label}: {status} documents no body, got: {text}"))
        }
        None => {}
    }
    problems
}

/// Checks `value` against `schema`, in the subset of JSON Schema that
/// openapi.yaml uses; a keyword outside it is a problem too, so that the spec
/// cannot grow a rule this test silently ignores. Annotations (description,
/// format, default) assert nothing.
fn check_schema(spec: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let Some(rules) = schema.as_object() else {
        out.push(format!("at `{at}`: the schema {schema} is not an object"));
        return;
    };
    let here = if at.is_empty() { "/" } else { at };
    for (keyword, rule) in rules {
        match keyword.as_str() {
            "$ref" => match resolve(spec, schema) {
                Some(target) => check_schema(spec, target, value, at, out),
                None => out.push(format!("at `{here}`: unresolvable {rule}")),
            },
            "allOf" => {
                for part in rule.as_array().into_iter().flatten() {
                    check_schema(spec, part, value, at, out);
                }
            }
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::Array(types) => types.iter().filter_map(Value::as_str).collect(),
                    other => other.as_str().into_iter().collect(),
                };
                if !types.iter().any(|t| has_type(value, t)) {
                    out.push(format!("at `{here}`: {value} is not of type {rule}"));
                }
            }
            "const" if value != rule => {
                out.push(format!("at `{here}`: {value} is not {rule}"));
            }
            "enum" if !rule.as_array().is_some_and(|e| e.contains(value)) => {
                out.push(format!("at `{here}`: {value} is not one of {rule}"));
            }
            "required" => {
                if let Some(object) = value.as_object() {
                    for name in rule
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        if !object.contains_key(name) {
                            out.push(format!("at `{here}`: `{name}` is missing"));
                        }
                    }
                }
            }
            "properties" => {
                if let (Some(object), Some(properties)) = (value.as_object(), rule.as_object()) {
                    for (name, sub) in properties {
                        if let Some(v) = object.get(name) {
                            check_schema(spec, sub, v, &format!("{at}/{name}"), out);
                        }
                    }
                }
            }
            "additionalProperties" => {
                let known = rules.get("properties").and_then(Value::as_object);
                for (name, v) in value.as_object().into_iter().flatten() {
                    if known.is_some_and(|k| k.contains_key(name)) {
                        continue;
                    }
                    match rule {
                        Value::Bool(true) => {}
                        Value::Bool(false) => {
                            out.push(format!("at `{here}`: `{name}` is not documented"))
                        }
                        sub => check_schema(spec, sub, v, &format!("{at}/{name}"), out),
                    }
                }
            }
            "items" => {
                for (i, v) in value.as_array().into_iter().flatten().enumerate() {
                    check_schema(spec, rule, v, &format!("{at}/{i}"), out);
                }
            }
            "minItems" => {
                if let (Some(items), Some(min)) = (value.as_array(), rule.as_u64()) {
                    if (items.len() as u64) < min {
                        out.push(format!("at `{here}`: fewer than {min} items"));
                    }
                }
            }
            "minLength" | "maxLength" => {
                if let (Some(text), Some(limit)) = (value.as_str(), rule.as_u64()) {
                    let n = text.chars().count() as u64;
                    if (keyword == "minLength" && n < limit)
                        || (keyword == "maxLength" && n > limit)
                    {
                        out.push(format!("at `{here}`: {n} characters, {keyword} {limit}"));
                    }
                }
            }
            "minimum" | "maximum" => {
                if let (Some(n), Some(limit)) = (value.as_f64(), rule.as_f64()) {
                    if (keyword == "minimum" && n < limit) || (keyword == "maximum" && n > limit) {
                        out.push(format!("at `{here}`: {n} is past the {keyword} {limit}"));
                    }
                }
            }
            "const" | "enum" | "description" | "format" | "default" => {}
            other => out.push(format!(
                "at `{here}`: the schema keyword `{other}` is not checked by this test"
            )),
        }
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
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
                body_schema: operation
                    .pointer("/requestBody/content/application~1json/schema")
                    .cloned(),
                statuses,
                responses: operation["responses"].clone(),
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
        let path = op
            .path
            .replace("{id}", "no-such-session")
            .replace("{client_id}", "no-such-client")
            .replace("{provider_id}", "no-such-provider")
            .replace("{org_id}", "no-such-org")
            .replace("{account_id}", "no-such-account")
            .replace("{invitation_id}", "no-such-invitation")
            .replace("{agreement_id}", "no-such-agreement")
            .replace("{domain}", "no-such-domain.example");
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        let mut request = client
            .request(method, app.url(&format!("/api/v1{path}")))
            .header("X-CSRF-Token", token);
        if op.has_body {
            request = request.json(&serde_json::json!({}));
        }
        let label = format!("{who}: {} (as {path})", op.label());
        let (status, _) = answer(&spec, op, request, &label, &mut problems).await;
        if op.is_admin() && status != 401 && status != 400 {
            problems.push(format!("{label}: {status} without a Bearer token"));
        }
    }
    problems
}

/// Sends `request` for `op` and checks the answer against the spec (routed,
/// no 5xx, a documented status, errors as JSON, the body the status
/// documents); its status and body.
async fn answer(
    spec: &Value,
    op: &SpecOperation,
    request: reqwest::RequestBuilder,
    label: &str,
    problems: &mut Vec<String>,
) -> (u16, Value) {
    let response = request.send().await.expect("API call");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .cloned();
    let as_json = content_type
        .as_ref()
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    let text = response.text().await.unwrap();
    let body: Option<Value> = serde_json::from_str(&text).ok();
    let error = body
        .as_ref()
        .and_then(|b| b["error"].as_str())
        .map(str::to_owned);
    if status == 404 && error.as_deref() == Some("unknown_operation") {
        problems.push(format!("{label}: not routed (404 unknown_operation)"));
        return (status, body.unwrap_or_default());
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
        if error.is_none() || !described || !as_json {
            problems.push(format!(
                "{label}: error {status} is not JSON with `error` and `error_description` \
                 (content-type {content_type:?}): {text}"
            ));
        }
    }
    problems.extend(check_body(spec, op, status, &text, label));
    (status, body.unwrap_or_default())
}

/// A valid body for each request schema the admin operations take.
fn admin_sample_body(spec: &Value, schema: &Value) -> Option<Value> {
    let name = schema["$ref"].as_str()?.rsplit('/').next()?;
    let body = match name {
        "ClientRequest" => serde_json::json!({
            "client_name": "Contract",
            "redirect_uris": ["https://contract.example.com/cb"],
            "post_logout_redirect_uris": ["https://contract.example.com/bye"],
            "grant_types": ["authorization_code", "refresh_token", "client_credentials"],
            "scope": "openid email reports",
            "logo_uri": "https://contract.example.com/logo.png",
            "policy_uri": "https://contract.example.com/privacy",
            "tos_uri": "https://contract.example.com/terms",
            "backchannel_logout_uri": "https://contract.example.com/logout",
        }),
        "ProviderRequest" => serde_json::json!({
            "id": "contract",
            "kind": "oidc",
            "display_name": "Contract SSO",
            "issuer": "https://sso.contract.example.com",
            "client_id": "contract-client",
            "client_secret": "contract-secret",
            "scopes": ["openid", "email"],
            "trust_email": false,
            "sync": "fill",
            "enabled": true,
        }),
        "ImportUsersRequest" => serde_json::json!({
            "users": [{
                "email": "contract-import@example.com",
                "email_verified": true,
                "given_name": "Contract",
                "family_name": "Import",
                "birthdate": "1990-01-01",
                "password_hash": "$2b$04$abcdefghijklmnopqrstuu5Nd4h2d/6l0e0Q7mW2y6eM4mX1cGfXm",
            }],
        }),
        "UserUpdate" => serde_json::json!({
            "given_name": "Contract",
            "family_name": "Person",
            "marketing_opt_in": false,
            "locale": "de",
        }),
        "AgreementRequest" => serde_json::json!({
            "title": "Partner agreement",
            "version": "2026-12",
            "body": "The partner agrees to the terms below.",
            "include_branches": false,
        }),
        _ => return None,
    };
    let mut problems = Vec::new();
    check_schema(spec, schema, &body, "", &mut problems);
    assert!(
        problems.is_empty(),
        "the sample {name} is not valid: {problems:?}"
    );
    Some(body)
}

/// Calls every admin operation with `token` (an administrator's), on a
/// client the create operation made, with a valid body where one is taken:
/// each must succeed with a documented status and the body its schema says.
async fn call_admin_operations(app: &TestApp, token: &str) -> Vec<String> {
    let spec = spec();
    let mut operations: Vec<SpecOperation> = spec_operations(&spec)
        .into_iter()
        .filter(SpecOperation::is_admin)
        .collect();
    assert!(!operations.is_empty(), "the spec has admin operations");
    // Registering comes first (it makes the client the others use), deleting
    // last, what hangs below a thing (its sessions) before the thing.
    operations.sort_by_key(|op| match (op.path.contains('{'), op.method.as_str()) {
        (false, "POST") => (0, 0),
        (_, "DELETE") => (2, usize::MAX - op.path.len()),
        _ => (1, 0),
    });
    let mut problems = Vec::new();
    // What the create operations made: path parameter, and the id to put there.
    let mut made: Vec<(&str, String)> = Vec::new();
    // The operator's organization operations act on an organization, which
    // its people make (not the admin API).
    let owner = crate::oidc_helpers::account(app, "contract-owner@example.com", false);
    let account = app
        .idp
        .db
        .read(|c| {
            idp_core::accounts::Account::find(c, &owner).map_err(idp_core::db::StoreError::from)
        })
        .expect("the owner's account loads")
        .expect("the owner's account exists");
    let organization = app
        .idp
        .create_organization(
            &idp_core::organizations::Actor::new(&account, None),
            "Contract Inc",
        )
        .expect("organization created")
        .organization;
    made.push(("{org_id}", organization.id));
    made.push(("{domain}", "contract.example.com".into()));
    // Unverified, so that a new verification link may be sent to it.
    let person = app
        .idp
        .create_user(&idp_core::accounts::NewUser {
            email: "contract-person@example.com".into(),
            password: PASSWORD.into(),
            ..Default::default()
        })
        .expect("account created");
    made.push(("{user_id}", person.id));
    for op in &operations {
        let label = format!("as an administrator: {}", op.label());
        let mut path = op.path.clone();
        for (param, id) in &made {
            path = path.replace(param, id);
        }
        if path.contains('{') {
            problems.push(format!("{label}: nothing was made to call it on"));
            continue;
        }
        let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
        // No cookies and no CSRF header: the token alone must do.
        let mut request = reqwest::Client::new()
            .request(method, app.url(&format!("/api/v1{path}")))
            .bearer_auth(token);
        if let Some(schema) = &op.body_schema {
            match admin_sample_body(&spec, schema) {
                Some(body) => request = request.json(&body),
                None => {
                    problems.push(format!("{label}: no sample body for the schema {schema}"));
                    continue;
                }
            }
        }
        let (status, body) = answer(&spec, op, request, &label, &mut problems).await;
        if !(200..300).contains(&status) {
            problems.push(format!("{label}: {status} for an administrator: {body}"));
        }
        if status == 201 {
            let (param, key) = match op.path.as_str() {
                "/admin/providers" => ("{provider_id}", "id"),
                "/admin/agreements" => ("{agreement_id}", "id"),
                _ => ("{client_id}", "client_id"),
            };
            if let Some(id) = body[key].as_str() {
                made.push((param, id.to_owned()));
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

    async fn every_admin_operation_succeeds_for_an_administrator_as_documented(app) {
        let (id, secret) = service_client(&app, "Contract admin", &["admin"]);
        let token = client_token(&app, &id, &secret, "admin").await;
        let problems = call_admin_operations(&app, &token).await;
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
