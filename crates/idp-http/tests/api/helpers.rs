//! `TestApp`: a real idp server on a random loopback port with its own fresh
//! database (a temporary SQLite file, or a new PostgreSQL database) and its
//! own outbox folder, plus helpers that act like a person with a browser.

use std::path::PathBuf;
use std::time::Duration;

use diesel::{Connection, PgConnection, RunQueryDsl};
use idp_core::config::{OauthSettings, Settings, Toggle};
use idp_core::Idp;
use idp_http::startup::Application;
use reqwest::redirect::Policy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where PostgreSQL test databases are created (trust auth on loopback).
pub fn postgres_admin_url() -> String {
    std::env::var("IDP_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct PgTestDb {
    pub name: String,
    pub url: String,
}

impl PgTestDb {
    pub fn create() -> Self {
        let admin = postgres_admin_url();
        let name = format!("idp_test_{}", idp_core::crypto::random_digits(12));
        let mut conn = PgConnection::establish(&admin)
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is needed for tests: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .expect("create test database");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        Self {
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl PgTestDb {
    /// Drops the database now, cutting off whoever is connected to it.
    pub fn drop_now(&self) -> diesel::QueryResult<usize> {
        let mut conn = PgConnection::establish(&postgres_admin_url())
            .map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
        diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut conn)
    }
}

impl Drop for PgTestDb {
    fn drop(&mut self) {
        let _ = self.drop_now();
    }
}

pub struct TestApp {
    pub address: String,
    /// `http://127.0.0.1:PORT` of `/metrics`, when `metrics_bind` was set.
    pub metrics_address: Option<String>,
    pub outbox: PathBuf,
    pub idp: Idp,
    pub database_url: String,
    /// The server's data folder (master key, outbox); commands share it.
    pub data_dir: PathBuf,
    server: actix_web::dev::ServerHandle,
    running: std::sync::Mutex<Option<actix_web::rt::task::JoinHandle<std::io::Result<()>>>>,
    _dir: tempfile::TempDir,
    _pg: Option<PgTestDb>,
}

pub fn test_settings(backend: Backend, dir: &std::path::Path) -> (Settings, Option<PgTestDb>) {
    let pg = (backend == Backend::Postgres).then(PgTestDb::create);
    let settings = Settings {
        data_dir: dir.to_path_buf(),
        bot_check: Toggle::Off,
        // Test apps (jwks_uri, back-channel logout) listen on loopback.
        oauth: OauthSettings {
            allow_internal_urls: true,
            ..OauthSettings::default()
        },
        database_url: Some(match &pg {
            Some(db) => db.url.clone(),
            None => format!("sqlite://{}", dir.join("idp.db").display()),
        }),
        ..Settings::default()
    };
    (settings, pg)
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts a server after `adjust` has changed the test settings.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (mut settings, pg) = test_settings(backend, dir.path());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        settings.bind = format!("127.0.0.1:{port}");
        settings.issuer = format!("http://127.0.0.1:{port}");
        adjust(&mut settings);
        let database_url = settings.database_url();
        let outbox = settings.outbox_dir();
        let app = Application::build_on(settings, listener).expect("server starts");
        let port = app.port();
        let metrics_address = app.metrics_port().map(|p| format!("http://127.0.0.1:{p}"));
        let idp = app.idp().clone();
        let server = app.handle();
        let running = actix_web::rt::spawn(app.run_until_stopped());
        Self {
            address: format!("http://127.0.0.1:{port}"),
            metrics_address,
            outbox,
            idp,
            database_url,
            data_dir: dir.path().to_path_buf(),
            server,
            running: std::sync::Mutex::new(Some(running)),
            _dir: dir,
            _pg: pg,
        }
    }

    /// Drops this app's PostgreSQL database under the running server.
    pub fn drop_postgres_database(&self) {
        let db = self._pg.as_ref().expect("a PostgreSQL test app");
        db.drop_now().expect("test database dropped");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// GETs a page and returns its status and HTML.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let r = client.get(self.url(path)).send().await.expect("GET");
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }

    /// Opens `page`, then submits its form at `action` with `fields` and the
    /// page's CSRF token, as a browser would.
    pub async fn submit(
        &self,
        client: &reqwest::Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let (_, html) = self.page(client, page).await;
        let token = csrf_in(&html);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        client
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    /// A CSRF token for JSON calls from `client` (which keeps the cookie).
    pub async fn api_csrf(&self, client: &reqwest::Client) -> String {
        let body: serde_json::Value = client
            .get(self.url("/api/v1/csrf"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["csrf_token"].as_str().unwrap().to_owned()
    }

    /// A JSON call with the CSRF header, returning status and body.
    pub async fn api(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let token = self.api_csrf(client).await;
        let mut request = client
            .request(method, self.url(path))
            .header("X-CSRF-Token", token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let (status, _, body) = reply_of(request.send().await.expect("API call")).await;
        (status, body)
    }

    /// Stops the server and its mail worker; the database and the data
    /// folder stay for a server started after it.
    pub async fn stop(&self) {
        self.server.stop(true).await;
        let running = self.running.lock().unwrap().take();
        if let Some(running) = running {
            running.await.expect("server task").expect("server ran");
        }
    }

    /// Waits (a bounded while) until the mail queue has nothing left to
    /// send, so what the outbox holds is all the mail there will be.
    pub fn wait_for_mail_queue(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            let counts = self.idp.mail_queue_counts().expect("mail queue counts");
            if counts.waiting == 0 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the mail queue still has {counts:?} after 15 s"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Every message in the outbox, oldest first, once the queue is empty.
    pub fn emails(&self) -> Vec<Mail> {
        self.wait_for_mail_queue();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&self.outbox)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        paths.sort();
        paths.iter().map(|p| Mail::read(p)).collect()
    }

    pub fn emails_to(&self, to: &str) -> Vec<Mail> {
        self.emails().into_iter().filter(|m| m.to == to).collect()
    }

    /// The newest message to `to`, once the queue is empty.
    pub async fn last_email_to(&self, to: &str) -> Mail {
        if let Some(mail) = self.emails_to(to).pop() {
            return mail;
        }
        panic!(
            "no email to {to}; outbox has {:?}",
            self.emails()
                .iter()
                .map(|m| (&m.to, &m.subject))
                .collect::<Vec<_>>()
        );
    }

    /// Signs a person up through the page and follows the emailed link.
    pub async fn signed_up_and_verified(&self, email: &str, password: &str) -> reqwest::Client {
        let client = browser();
        let r = self
            .submit(
                &client,
                "/signup",
                "/signup",
                &signup_fields(email, password),
            )
            .await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let link = self.last_email_to(email).await.link("/verify-email?token=");
        let path = link.trim_start_matches(&self.address).to_owned();
        let token = path.split("token=").nth(1).unwrap().to_owned();
        let r = self
            .submit(&client, &path, "/verify-email", &[("token", &token)])
            .await;
        assert_eq!(r.status(), 303);
        client
    }

    /// Signs in through the page; returns the response (303 on success).
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.submit(
            client,
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

/// A status, the headers, and the body as JSON (`Null` when empty): what a
/// test looks at in an answer.
pub type Reply = (u16, reqwest::header::HeaderMap, serde_json::Value);

/// Reads an answer whose body must be JSON or empty.
pub async fn reply_of(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    (status, headers, body)
}

/// Seconds since the epoch, as in JWT and introspection claims.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A browser: keeps cookies, does not follow redirects (tests look at them).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub const PASSWORD: &str = "Corr3ct-Horse!Battery";

pub fn signup_fields<'a>(email: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("password", password),
        ("password_confirm", password),
        ("given_name", "Ada"),
        ("family_name", "Lovelace"),
        ("birthdate", "1990-12-10"),
        ("marketing_opt_in", "yes"),
    ]
}

pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf_token in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// One parsed `.eml` file.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub raw: String,
}

impl Mail {
    fn read(path: &std::path::Path) -> Self {
        let bytes = std::fs::read(path).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&bytes)
            .expect("valid RFC 5322 message");
        let to = parsed
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned();
        Self {
            to,
            subject: parsed.subject().unwrap_or_default().to_owned(),
            text: parsed.body_text(0).unwrap_or_default().into_owned(),
            raw: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// The first URL in the text that contains `fragment`.
    pub fn link(&self, fragment: &str) -> String {
        self.text
            .split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(fragment))
            .unwrap_or_else(|| panic!("no link with {fragment} in: {}", self.text))
            .to_owned()
    }

    /// The code on its own line (password reset).
    pub fn code(&self) -> String {
        self.text
            .lines()
            .map(str::trim)
            .find(|l| l.len() == 8 && l.chars().all(|c| c.is_ascii_digit()))
            .unwrap_or_else(|| panic!("no code in: {}", self.text))
            .to_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.raw
            .lines()
            .take_while(|l| !l.is_empty())
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }
}

/// Generates one test per database from one body.
#[macro_export]
macro_rules! on_both_databases {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                #[actix_web::test]
                async fn sqlite() {
                    let $app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await;
                    $body
                }
                #[actix_web::test]
                async fn postgres() {
                    let $app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await;
                    $body
                }
            }
        )*
    };
}

/// Generates a SQLite and a PostgreSQL test from each `async fn name(Backend)`
/// (for tests that start their app with settings of their own).
#[macro_export]
macro_rules! for_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await;
            }
            #[actix_web::test]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await;
            }
        }
    )*};
}
