//! A scriptable upstream on loopback for what a real provider will not do
//! on request: ID tokens with a wrong nonce, expired, forged or for someone
//! else; Microsoft's tenant-templated issuer; and Facebook's documented
//! OAuth dialog, token endpoint and Graph `/me` (with `appsecret_proof`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "standin-client";
pub const CLIENT_SECRET: &str = "standin-secret-0123456789";
pub const KID: &str = "standin-1";

type Key = crate::private_key_jwt::ClientKey;

/// What the next ID token looks like.
#[derive(Default)]
pub struct Script {
    /// Claims merged over the good ones (`null` removes one).
    pub claims: Value,
    /// Sign with a key that is not published, under the published `kid`.
    pub forge: bool,
    /// The account the stand-in says signed in.
    pub subject: String,
    pub email: String,
    pub email_verified: Option<bool>,
}

struct Issued {
    nonce: Option<String>,
    challenge: Option<String>,
}

struct State {
    base: String,
    /// `Some(tenant)`: discovery names `{base}/{tenantid}/v2.0` and tokens
    /// are that tenant's, as at Microsoft's multi-tenant endpoints.
    tenant: Option<String>,
    key: Key,
    impostor: Key,
    codes: HashMap<String, Issued>,
    /// What each access token may read: the claims before the script's
    /// changes (a provider may leave out of its ID token what userinfo
    /// tells), or Facebook's `/me`.
    tokens: HashMap<String, Value>,
    script: Script,
}

#[derive(Clone)]
pub struct StandIn {
    pub base: String,
    state: Arc<Mutex<State>>,
}

impl StandIn {
    pub async fn start(tenant: Option<&str>) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let state = Arc::new(Mutex::new(State {
            base: base.clone(),
            tenant: tenant.map(str::to_owned),
            key: Key::generate(KID),
            impostor: Key::generate(KID),
            codes: HashMap::new(),
            tokens: HashMap::new(),
            script: Script {
                subject: "standin-subject-1".into(),
                email: "sam@example.com".into(),
                email_verified: Some(true),
                ..Script::default()
            },
        }));
        let shared = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .route(
                    "/.well-known/openid-configuration",
                    web::get().to(discovery),
                )
                .route(
                    "/common/v2.0/.well-known/openid-configuration",
                    web::get().to(discovery),
                )
                .route("/jwks", web::get().to(jwks))
                .route("/authorize", web::get().to(authorize))
                .route("/token", web::post().to(token))
                .route("/userinfo", web::get().to(userinfo))
                .route("/dialog/oauth", web::get().to(authorize))
                .route("/oauth/access_token", web::get().to(facebook_token))
                .route("/me", web::get().to(facebook_me))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        actix_web::rt::spawn(server);
        Self { base, state }
    }

    /// Changes what the next sign-in's ID token says.
    pub fn script(&self, change: impl FnOnce(&mut Script)) {
        change(&mut self.state.lock().unwrap().script);
    }

    /// The issuer to configure: the plain one, or Microsoft's `common`.
    pub fn issuer(&self) -> String {
        match &self.state.lock().unwrap().tenant {
            Some(_) => format!("{}/common/v2.0", self.base),
            None => self.base.clone(),
        }
    }
}

type Shared = web::Data<Mutex<State>>;

async fn discovery(state: Shared) -> HttpResponse {
    let s = state.lock().unwrap();
    let issuer = match &s.tenant {
        Some(_) => format!("{}/{{tenantid}}/v2.0", s.base),
        None => s.base.clone(),
    };
    HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{}/authorize", s.base),
        "token_endpoint": format!("{}/token", s.base),
        "jwks_uri": format!("{}/jwks", s.base),
        "userinfo_endpoint": format!("{}/userinfo", s.base),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks(state: Shared) -> HttpResponse {
    HttpResponse::Ok().json(json!({"keys": [state.lock().unwrap().key.jwk.clone()]}))
}

/// Approves at once (the person "is signed in" here) and sends the code back.
async fn authorize(state: Shared, query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let code = idp_core::crypto::random_token(16);
    state.lock().unwrap().codes.insert(
        code.clone(),
        Issued {
            nonce: query.get("nonce").cloned(),
            challenge: query.get("code_challenge").cloned(),
        },
    );
    let mut back = url::Url::parse(&query["redirect_uri"]).unwrap();
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair(
            "state",
            query.get("state").map(String::as_str).unwrap_or(""),
        );
    HttpResponse::Found()
        .insert_header(("Location", back.to_string()))
        .finish()
}

fn pkce_matches(challenge: Option<&str>, verifier: Option<&str>) -> bool {
    match (challenge, verifier) {
        (Some(c), Some(v)) => URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes())) == c,
        _ => false,
    }
}

fn basic_ok(req: &HttpRequest) -> bool {
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    req.headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == expected)
}

async fn token(
    req: HttpRequest,
    state: Shared,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let mut s = state.lock().unwrap();
    let issued = form.get("code").and_then(|c| s.codes.remove(c));
    let Some(issued) = issued.filter(|_| basic_ok(&req)) else {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_grant"}));
    };
    if !pkce_matches(
        issued.challenge.as_deref(),
        form.get("code_verifier").map(String::as_str),
    ) {
        return HttpResponse::BadRequest().json(json!({"error": "invalid_grant"}));
    }
    let now = chrono::Utc::now().timestamp();
    let (iss, tid) = match &s.tenant {
        Some(t) => (format!("{}/{t}/v2.0", s.base), Some(t.clone())),
        None => (s.base.clone(), None),
    };
    let mut claims = json!({
        "iss": iss, "sub": s.script.subject, "aud": CLIENT_ID,
        "iat": now, "exp": now + 300, "nonce": issued.nonce,
        "email": s.script.email, "given_name": "Sam", "family_name": "Standin",
    });
    if let Some(v) = s.script.email_verified {
        claims["email_verified"] = json!(v);
    }
    if let Some(tid) = tid {
        claims["tid"] = json!(tid);
    }
    let told_by_userinfo = claims.clone();
    if let Value::Object(overrides) = &s.script.claims {
        for (k, v) in overrides {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
    }
    let key = if s.script.forge { &s.impostor } else { &s.key };
    let id_token = key.sign_as(Some(KID), &claims);
    let access_token = idp_core::crypto::random_token(16);
    s.tokens.insert(access_token.clone(), told_by_userinfo);
    HttpResponse::Ok().json(json!({
        "access_token": access_token, "token_type": "Bearer", "expires_in": 300,
        "id_token": id_token,
    }))
}

/// OpenID Connect userinfo for a Bearer token the token endpoint issued.
async fn userinfo(req: HttpRequest, state: Shared) -> HttpResponse {
    let s = state.lock().unwrap();
    let token = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match s.tokens.get(token) {
        Some(claims) => {
            let mut info = json!({"sub": claims["sub"], "email": claims["email"],
                "given_name": claims["given_name"], "family_name": claims["family_name"]});
            if let Some(verified) = claims.get("email_verified") {
                info["email_verified"] = verified.clone();
            }
            HttpResponse::Ok().json(info)
        }
        None => HttpResponse::Unauthorized().finish(),
    }
}

/// Facebook: `GET /oauth/access_token` with the app's id and secret in the query.
async fn facebook_token(state: Shared, query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let mut s = state.lock().unwrap();
    let app_ok = query.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && query.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET);
    let issued = query.get("code").and_then(|c| s.codes.remove(c));
    let ok = app_ok
        && issued.is_some_and(|i| {
            pkce_matches(
                i.challenge.as_deref(),
                query.get("code_verifier").map(String::as_str),
            )
        });
    if !ok {
        return HttpResponse::BadRequest().json(json!({"error": {
            "message": "Invalid verification code format.", "type": "OAuthException", "code": 100}}));
    }
    let access_token = idp_core::crypto::random_token(16);
    let me = json!({"id": s.script.subject, "email": s.script.email,
                    "first_name": "Sam", "last_name": "Standin", "name": "Sam Standin"});
    s.tokens.insert(access_token.clone(), me);
    HttpResponse::Ok()
        .json(json!({"access_token": access_token, "token_type": "bearer", "expires_in": 5183944}))
}

/// Facebook's Graph `/me`: refuses calls without a right `appsecret_proof`.
async fn facebook_me(state: Shared, query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let s = state.lock().unwrap();
    let token = query.get("access_token").cloned().unwrap_or_default();
    let mut mac = Hmac::<Sha256>::new_from_slice(CLIENT_SECRET.as_bytes()).unwrap();
    mac.update(token.as_bytes());
    let proof: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    match s.tokens.get(&token) {
        Some(me) if query.get("appsecret_proof") == Some(&proof) => {
            let fields = query.get("fields").cloned().unwrap_or_default();
            assert_eq!(fields, "id,email,first_name,last_name,name");
            HttpResponse::Ok().json(me)
        }
        _ => HttpResponse::BadRequest().json(json!({"error": {
            "message": "Invalid appsecret_proof provided in the API argument", "type": "GraphMethodException", "code": 100}})),
    }
}
