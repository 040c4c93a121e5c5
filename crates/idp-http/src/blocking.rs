//! Diesel and argon2 block; they run on the blocking pool, never on the
//! async workers.

use actix_web::error::BlockingError;
use actix_web::web;
use idp_core::db::StoreError;

/// Runs `f` off the async workers, with the request's origin for the audit
/// events it records. A panic inside becomes `Err(Canceled)`.
pub async fn run<T, E>(f: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: Send + 'static + From<BlockingError>,
{
    let origin = crate::origin::current();
    web::block(move || match origin {
        Some(origin) => idp_core::audit::with_origin(origin, f),
        None => f(),
    })
    .await
    .map_err(E::from)?
}

/// The failure of work that can only fail in storage (housekeeping,
/// `/readyz`, the JWKS), or that the pool did not finish.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the work did not finish on the blocking pool")]
    NotRun,
}

impl From<BlockingError> for Failure {
    fn from(_: BlockingError) -> Self {
        Failure::NotRun
    }
}
