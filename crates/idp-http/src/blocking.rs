//! Diesel and argon2 block; they run on the blocking pool, never on the
//! async workers.

use actix_web::web;

/// Runs `f` off the async workers. A panic inside becomes `Err(Canceled)`.
pub async fn run<T, E>(f: impl FnOnce() -> Result<T, E> + Send + 'static) -> Result<T, E>
where
    T: Send + 'static,
    E: Send + 'static + From<actix_web::error::BlockingError>,
{
    web::block(f).await.map_err(E::from)?
}
