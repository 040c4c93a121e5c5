//! Building the server: bind (port 0 works, for tests), wire the routes, run.

use std::net::TcpListener;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use idp_core::config::Settings;
use idp_core::email::MailWorker;
use idp_core::webhooks::WebhookWorker;
use idp_core::{Idp, StartError};

use crate::blocking::{self, Failure};
use crate::{api, csrf, health, metrics, oidc, origin, pages, security_headers, telemetry};

/// Largest request body accepted anywhere (forms and JSON are small).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

pub struct Application {
    port: u16,
    metrics_port: Option<u16>,
    server: Server,
    metrics_server: Option<Server>,
    idp: Idp,
    mail: MailWorker,
    webhooks: Option<WebhookWorker>,
    draining: web::Data<health::Draining>,
    signals: bool,
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
    #[error("cannot start a worker thread: {0}")]
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
        let bind_error = |bind: &str| {
            let bind = bind.to_owned();
            move |source| BuildError::Bind { bind, source }
        };
        let port = listener
            .local_addr()
            .map_err(bind_error(&settings.bind))?
            .port();
        let metrics_listener = match &settings.metrics_bind {
            Some(bind) => Some(TcpListener::bind(bind).map_err(bind_error(bind))?),
            None => None,
        };
        let idp = Idp::open(settings.clone())?;
        let draining = web::Data::new(health::Draining::default());
        let server =
            serve(listener, idp.clone(), draining.clone()).map_err(bind_error(&settings.bind))?;
        let (metrics_port, metrics_server) = match metrics_listener {
            Some(listener) => {
                let bind = settings.metrics_bind.as_deref().unwrap_or_default();
                let port = listener.local_addr().map_err(bind_error(bind))?.port();
                let server = serve_metrics(listener, idp.clone()).map_err(bind_error(bind))?;
                (Some(port), Some(server))
            }
            None => (None, None),
        };
        let mail = MailWorker::start(idp.clone()).map_err(BuildError::Worker)?;
        let webhooks = WebhookWorker::start(idp.clone()).map_err(BuildError::Worker)?;
        Ok(Self {
            port,
            metrics_port,
            server,
            metrics_server,
            idp,
            mail,
            webhooks,
            draining,
            signals: false,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on, when `metrics_bind` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_port
    }

    pub fn idp(&self) -> &Idp {
        &self.idp
    }

    /// A handle that stops the server (tests use it to restart one).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Stops on SIGTERM or Ctrl-C (`idp serve`): `/readyz` fails at once,
    /// the listener closes `shutdown_delay_seconds` later, and requests in
    /// flight finish (up to 30 s) before the process ends.
    pub fn stop_on_signals(mut self) -> Self {
        self.signals = true;
        self
    }

    /// Serves until stopped, then stops the mail and webhook workers once
    /// they have finished the message at hand (a dropped future stops them
    /// too, without waiting).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        if self.signals {
            let handles = (
                self.server.handle(),
                self.metrics_server.as_ref().map(Server::handle),
            );
            let delay = std::time::Duration::from_secs(self.idp.settings.shutdown_delay_seconds);
            actix_web::rt::spawn(drain_on_signal(self.draining.clone(), handles, delay));
        }
        let mail = self.mail;
        let metrics = self
            .metrics_server
            .map(|s| (s.handle(), actix_web::rt::spawn(s)));
        let served = self.server.await;
        if let Some((handle, running)) = metrics {
            handle.stop(true).await;
            let _ = running.await;
        }
        let webhooks = self.webhooks;
        let _ = actix_web::rt::task::spawn_blocking(move || {
            mail.stop();
            if let Some(webhooks) = webhooks {
                webhooks.stop();
            }
        })
        .await;
        served
    }
}

/// Waits for SIGTERM or SIGINT, then drains (see `stop_on_signals`).
async fn drain_on_signal(
    draining: web::Data<health::Draining>,
    (server, metrics): (ServerHandle, Option<ServerHandle>),
    delay: std::time::Duration,
) {
    use actix_web::rt::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot listen for signals; stop idp with SIGKILL");
        return;
    };
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    draining.start();
    tracing::info!(
        signal = name,
        delay_secs = delay.as_secs(),
        "shutting down: /readyz now fails"
    );
    actix_web::rt::time::sleep(delay).await;
    tracing::info!("closing the listener; finishing requests in flight");
    server.stop(true).await;
    if let Some(metrics) = metrics {
        metrics.stop(true).await;
    }
}

/// The listener of `metrics_bind`: `/metrics` and nothing else.
fn serve_metrics(listener: TcpListener, idp: Idp) -> std::io::Result<Server> {
    let data = web::Data::new(idp);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/metrics", web::get().to(metrics::scrape))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run())
}

/// How often expired sessions, tokens and counters are deleted.
const HOUSEKEEPING_INTERVAL: std::time::Duration = std::time::Duration::from_secs(600);

fn serve(
    listener: TcpListener,
    idp: Idp,
    draining: web::Data<health::Draining>,
) -> std::io::Result<Server> {
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
    let brand = web::Data::new(pages::brand::Brand::load(
        &idp.settings.branding,
        idp.wording.clone(),
    ));
    let data = web::Data::new(idp);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(draining.clone())
            .app_data(brand.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .app_data(api::json_config())
            .app_data(api::query_config())
            .wrap(from_fn(csrf::refuse_cross_site))
            .wrap(from_fn(pages::layout::localize_error_pages))
            .wrap(from_fn(csrf::ensure_cookie))
            .wrap(security_headers::headers())
            .wrap(from_fn(pages::brand::provide))
            .wrap(from_fn(origin::set_origin))
            .wrap(from_fn(telemetry::request_span))
            .wrap(from_fn(metrics::track))
            .service(health::healthz)
            .service(health::readyz)
            .configure(pages::routes)
            .configure(oidc::routes)
            .service(web::scope("/api/v1").configure(api::routes))
    })
    .worker_max_blocking_threads(blocking_threads)
    // Signals are `Application::stop_on_signals`' (readiness first).
    .disable_signals()
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
