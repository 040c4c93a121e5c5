//! Two `idp serve` processes on one PostgreSQL database, as behind a load
//! balancer: a person signs in on one node, the app redeems and refreshes
//! on the other, and a key rotation reaches both.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreIdTokenVerifier, CoreTokenResponse};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeVerifier, TokenResponse, TokenUrl, UserInfoUrl,
};

use crate::helpers::*;
use crate::oidc_helpers::*;
use crate::serve_process::ServeProcess;

/// How long a node keeps its copy of the signing keys (idp_core::keys).
const KEY_RELOAD: Duration = Duration::from_secs(10);

/// The operator's environment: the same database and master key everywhere.
struct Cluster {
    database_url: String,
    master_key: String,
    dir: PathBuf,
}

impl Cluster {
    fn command(&self, data_dir: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_idp"));
        command
            .env_clear()
            .env("IDP_DATABASE_URL", &self.database_url)
            .env("IDP_MASTER_KEY", &self.master_key)
            .env("IDP_BOT_CHECK", "off")
            .env("IDP_DATA_DIR", data_dir)
            .current_dir(data_dir);
        command
    }

    /// Runs an `idp` command with `--json`; returns its output as JSON.
    fn idp(&self, args: &[&str]) -> serde_json::Value {
        let out = self
            .command(&self.dir)
            .args(args)
            .arg("--json")
            .output()
            .expect("idp runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "idp {args:?}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("idp {args:?}: not JSON: {stdout}"))
    }

    /// Starts a node whose public name is `issuer`, or its own address.
    fn serve(&self, name: &str, issuer: Option<&str>) -> Node {
        let data_dir = self.dir.join(name);
        std::fs::create_dir_all(&data_dir).unwrap();
        let process = ServeProcess::start(&data_dir.join("serve.log"), |port| {
            let own = format!("http://127.0.0.1:{port}");
            let mut command = self.command(&data_dir);
            command
                .arg("serve")
                .env("IDP_BIND", format!("127.0.0.1:{port}"))
                .env("IDP_ISSUER", issuer.unwrap_or(&own));
            command
        });
        Node {
            name: name.into(),
            url: process.url(),
            process,
        }
    }
}

/// One running `idp serve`; killed when dropped, also when a test fails.
struct Node {
    name: String,
    url: String,
    process: ServeProcess,
}

impl Node {
    async fn ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = rp_http().get(format!("{}/readyz", self.url)).send().await {
                if r.status() == 200 {
                    return;
                }
            }
            if let Ok(Some(status)) = self.process.child.try_wait() {
                panic!(
                    "node {} exited with {status}: {}",
                    self.name,
                    self.log_text()
                );
            }
            assert!(
                Instant::now() < deadline,
                "node {} is not ready: {}",
                self.name,
                self.log_text()
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_text(&self) -> String {
        self.process.log_text()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- log of node {} ---\n{}", self.name, self.log_text());
        }
    }
}

fn verifier<'a>(
    client_id: &str,
    secret: &str,
    issuer: &str,
    jwks: openidconnect::core::CoreJsonWebKeySet,
) -> CoreIdTokenVerifier<'a> {
    CoreIdTokenVerifier::new_confidential_client(
        ClientId::new(client_id.into()),
        ClientSecret::new(secret.into()),
        IssuerUrl::new(issuer.into()).unwrap(),
        jwks,
    )
}

fn id_token_kid(tokens: &CoreTokenResponse) -> String {
    jwt_parts(&tokens.id_token().unwrap().to_string()).0["kid"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn two_nodes_share_sign_ins_tokens_and_keys_through_postgres() {
    let db = PgTestDb::create();
    let dir = tempfile::tempdir().unwrap();
    let cluster = Cluster {
        database_url: db.url.clone(),
        master_key: idp_core::crypto::random_token(32),
        dir: dir.path().to_path_buf(),
    };

    // The operator prepares the database, a person and an app.
    cluster.idp(&["migrate"]);
    cluster.idp(&[
        "user",
        "create",
        "--email",
        "ada@example.com",
        "--password",
        PASSWORD,
        "--verified",
    ]);
    let created = cluster.idp(&[
        "client",
        "create",
        "--name",
        "Shop",
        "--redirect-uri",
        &callback_of("Shop"),
        "--grant-type",
        "authorization_code",
        "--grant-type",
        "refresh_token",
        "--skip-consent",
    ]);
    let client_id = created["client_id"].as_str().unwrap().to_owned();
    let secret = created["client_secret"].as_str().unwrap().to_owned();

    // Both nodes stand behind one public name; node A's will do.
    let mut a = cluster.serve("a", None);
    let issuer = a.url.clone();
    let mut b = cluster.serve("b", Some(&issuer));
    a.ready().await;
    b.ready().await;

    // The shop discovers idp at its public name (node A) and is pointed at
    // node B for the back-channel calls, as a load balancer might do.
    let shop = Rp::configure(
        &issuer,
        client_id.clone(),
        Some(secret.clone()),
        callback_of("Shop"),
    )
    .await;
    let via_b = shop
        .oidc
        .clone()
        .set_token_uri(TokenUrl::new(b.url("/token")).unwrap())
        .set_user_info_url(UserInfoUrl::new(b.url("/userinfo")).unwrap());
    let http = rp_http();
    let redeem_on_b = |callback: Callback, started: &Started| {
        via_b
            .exchange_code(AuthorizationCode::new(callback.code().to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(
                started.verifier.as_ref().unwrap().secret().clone(),
            ))
            .request_async(&http)
    };
    assert_eq!(
        jwks_at(&b.url("/jwks")).await.keys().len(),
        3,
        "one key per algorithm, shared"
    );

    // Signed in on node A; the code is redeemed on node B.
    let browser = browser();
    let started = shop.start();
    let login = open(&a.url, &browser, started.url.as_str())
        .await
        .sign_in_path();
    let callback = sign_in_at(&a.url, &browser, &login, "ada@example.com")
        .await
        .callback();
    callback.assert_from(&issuer, &started);
    let tokens = redeem_on_b(callback, &started)
        .await
        .expect("node B redeems node A's code");
    let claims = shop.verify(&tokens, &started.nonce);
    let with_b = verifier(&client_id, &secret, &issuer, jwks_at(&b.url("/jwks")).await);
    tokens
        .id_token()
        .unwrap()
        .claims(&with_b, &started.nonce)
        .expect("verifies with node B's JWKS");
    let first_nonce = started.nonce;
    let old_kid = id_token_kid(&tokens);

    // Node B refreshes; node A's session serves SSO.
    let refreshed = via_b
        .exchange_refresh_token(tokens.refresh_token().unwrap())
        .request_async(&http)
        .await
        .expect("refreshed on node B");
    let info: openidconnect::core::CoreUserInfoClaims = via_b
        .user_info(
            refreshed.access_token().clone(),
            Some(claims.subject().clone()),
        )
        .request_async(&http)
        .await
        .expect("userinfo on node B");
    assert_eq!(info.email().unwrap().as_str(), "ada@example.com");

    // The operator rotates the keys; both nodes pick them up.
    let rotated = cluster.idp(&["keys", "rotate"]);
    let new_kids: Vec<String> = serde_json::from_value(rotated["new_kids"].clone()).unwrap();
    assert_eq!(new_kids.len(), 3);
    actix_web::rt::time::sleep(KEY_RELOAD + Duration::from_millis(500)).await;

    let jwks_a = jwks_at(&a.url("/jwks")).await;
    let jwks_b = jwks_at(&b.url("/jwks")).await;
    for jwks in [&jwks_a, &jwks_b] {
        let published = kids(jwks);
        for kid in new_kids.iter().chain([&old_kid]) {
            assert!(published.contains(kid), "{kid} is published: {published:?}");
        }
    }

    // A token signed after the rotation by node B verifies with node A's
    // JWKS, and the other way round.
    let started = shop.start();
    let callback = open(&a.url, &browser, started.url.as_str())
        .await
        .callback();
    let from_b = redeem_on_b(callback, &started)
        .await
        .expect("redeemed on node B");
    assert!(
        new_kids.contains(&id_token_kid(&from_b)),
        "signed with a new key"
    );
    let with_a = verifier(&client_id, &secret, &issuer, jwks_a.clone());
    from_b
        .id_token()
        .unwrap()
        .claims(&with_a, &started.nonce)
        .expect("node A's JWKS verifies node B's token");
    verify_jwt_with(&jwks_a, from_b.access_token().secret());

    let from_a = shop
        .oidc
        .exchange_refresh_token(from_b.refresh_token().unwrap())
        .unwrap()
        .request_async(&shop.http)
        .await
        .expect("refreshed on node A");
    assert!(new_kids.contains(&id_token_kid(&from_a)));
    let with_b = verifier(&client_id, &secret, &issuer, jwks_b.clone());
    from_a
        .id_token()
        .unwrap()
        .claims(&with_b, |_: Option<&Nonce>| Ok(()))
        .expect("node B's JWKS verifies node A's token");
    verify_jwt_with(&jwks_b, from_a.access_token().secret());

    // Tokens signed before the rotation still verify on both.
    tokens
        .id_token()
        .unwrap()
        .claims(&with_a, &first_nonce)
        .expect("old token, node A");
    verify_jwt_with(&jwks_b, refreshed.access_token().secret());
    let info: openidconnect::core::CoreUserInfoClaims = shop
        .oidc
        .user_info(refreshed.access_token().clone(), None)
        .unwrap()
        .request_async(&shop.http)
        .await
        .expect("an old access token still works on node A");
    assert_eq!(info.subject(), claims.subject());

    // Node B rotated the first refresh token; node A knows it is used.
    let reused = shop
        .oidc
        .exchange_refresh_token(tokens.refresh_token().unwrap())
        .unwrap()
        .request_async(&shop.http)
        .await;
    assert_eq!(oauth_error(reused), "invalid_grant");

    drop((a, b));
    drop(db);
}
