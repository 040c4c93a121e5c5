//! Building the server: bind (port 0 works, for tests), wire the routes, run.

use std::net::TcpListener;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use idp_core::config::Settings;
use idp_core::email::MailWorker;
use idp_core::{Idp, StartError};

use crate::blocking::{self, Failure};
use crate::{api, csrf, health, oidc, origin, pages, security_headers, telemetry};

/// Largest request body accepted anywhere (forms and JSON are small).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

pub struct Application {
    port: u16,
    server: Server,
    idp: Idp,
    mail: MailWorker,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Start(#[from] StartError),
    #[error("cannot listen on {bind}: {source}")]
    Bind {
        bind: String,
        source: std::io::Error,
    },
    #[error("cannot start the mail worker: {0}")]
    Worker(std::io::Error),
}

impl Application {
    /// Binds `settings.bind` and builds the server.
    pub fn build(settings: Settings) -> Result<Self, BuildError> {
        let listener = TcpListener::bind(&settings.bind).map_err(|source| BuildError::Bind {
            bind: settings.bind.clone(),
            source,
        })?;
        Self::build_on(settings, listener)
    }

    /// Builds the server on a listener bound already (tests bind port 0 first
    /// so that the issuer can name the real port).
    pub fn build_on(settings: Settings, listener: TcpListener) -> Result<Self, BuildError> {
        let bind_error = |source| BuildError::Bind {
            bind: settings.bind.clone(),
            source,
        };
        let port = listener.local_addr().map_err(bind_error)?.port();
        let idp = Idp::open(settings.clone())?;
        let server = serve(listener, idp.clone()).map_err(bind_error)?;
        let mail = MailWorker::start(idp.clone()).map_err(BuildError::Worker)?;
        Ok(Self {
            port,
            server,
            idp,
            mail,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn idp(&self) -> &Idp {
        &self.idp
    }

    /// A handle that stops the server (tests use it to restart one).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped, then stops the mail worker once it has finished
    /// the message at hand (a dropped future stops it too, without waiting).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let mail = self.mail;
        let served = self.server.await;
        let _ = actix_web::rt::task::spawn_blocking(move || mail.stop()).await;
        served
    }
}

/// How often expired sessions, tokens and counters are deleted.
const HOUSEKEEPING_INTERVAL: std::time::Duration = std::time::Duration::from_secs(600);

fn serve(listener: TcpListener, idp: Idp) -> std::io::Result<Server> {
    let housekeeper = idp.clone();
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(HOUSEKEEPING_INTERVAL);
        loop {
            tick.tick().await;
            let idp = housekeeper.clone();
            match blocking::run(move || idp.purge_expired().map_err(Failure::from)).await {
                Ok(n) => tracing::debug!(deleted = n, "housekeeping"),
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
        }
    });
    let blocking_threads = blocking_threads_per_worker(&idp.settings);
    let data = web::Data::new(idp);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .app_data(api::json_config())
            .app_data(api::query_config())
            .wrap(from_fn(csrf::refuse_cross_site))
            .wrap(from_fn(pages::layout::localize_error_pages))
            .wrap(from_fn(csrf::ensure_cookie))
            .wrap(security_headers::headers())
            .wrap(from_fn(origin::set_origin))
            .wrap(from_fn(telemetry::request_span))
            .service(health::healthz)
            .service(health::readyz)
            .configure(pages::routes)
            .configure(oidc::routes)
            .service(web::scope("/api/v1").configure(api::routes))
    })
    .worker_max_blocking_threads(blocking_threads)
    .listen(listener)?
    .run();
    Ok(server)
}

/// Every holder of a blocking thread is bounded elsewhere: a database call
/// holds a pooled connection (or waits for one), a hash holds an argon2 slot
/// or a place in its queue. So each worker gets enough threads for all of
/// them at once (a full sign-in queue cannot keep token or userinfo calls
/// from the database) and no more (actix's default is 512 / cores).
fn blocking_threads_per_worker(settings: &idp_core::config::Settings) -> usize {
    let database = usize::try_from(settings.database.max_connections).unwrap_or(usize::MAX);
    let argon2 = settings.argon2.max_concurrent + settings.argon2.max_queue;
    database.saturating_add(argon2).max(4)
}
