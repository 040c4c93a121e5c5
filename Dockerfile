# The idp server image. docs/operations.md says how to build and run it;
# tests/compose/run.sh lints this file (hadolint) and checks what it promises.
#
#   docker build -t idp .
#   docker run --rm -p 127.0.0.1:8080:8080 -v idp-data:/var/lib/idp idp
#
# Every image is pinned by version tag, and every Debian package by version
# (Debian replaces a version when it ships a fix: a build that then stops
# with "Version '…' for '…' was not found" needs the new version here, from
# `apt-cache policy PACKAGE` in the same base image).

# --- Build: the Rust toolchain of Cargo.toml's rust-version ------------------
FROM rust:1.95.0-bookworm AS build
WORKDIR /src
# .dockerignore lets in only these (and no target/ or node_modules/ in them).
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
COPY migrations ./migrations
# BuildKit caches the crates and the build between builds; the binary is
# copied out of the cached target/ in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin idp \
    && install -D -m 0755 target/release/idp /out/idp

# --- Run: Debian slim, the release the build stage ran on (bookworm) ---------
FROM debian:12.13-slim
# The binary links libpq (PostgreSQL) and libsqlite3 (SQLite) dynamically.
# ca-certificates: the system's trusted roots (idp's own HTTPS and SMTP
# clients carry theirs, from webpki-roots; libpq takes this bundle as
# `sslrootcert=/etc/ssl/certs/ca-certificates.crt` in the database URL).
# busybox only for the health check below (its wget: the image has no other
# HTTP client). idp runs as uid/gid 10001 and keeps its data in /var/lib/idp
# (mode 0700), a volume.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        busybox=1:1.35.0-4+deb12u1+b1 \
        ca-certificates=20250419~deb12u2 \
        libpq5=15.20-0+deb12u1 \
        libsqlite3-0=3.40.1-2+deb12u2 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 idp \
    && useradd --system --no-log-init --uid 10001 --gid idp --home-dir /var/lib/idp --no-create-home \
        --shell /usr/sbin/nologin idp \
    && install -d -m 0700 -o idp -g idp /var/lib/idp
COPY --from=build /out/idp /usr/local/bin/idp

# Settings for a container: listen on every interface of the container, keep
# the data (the SQLite file, the .eml outbox, master.key) in the volume. The
# environment overrides an idp.toml, so change these two by environment.
# No master key here: idp reads /var/lib/idp/master.key (a compose secret is
# mounted there, see docker-compose.yml) or IDP_MASTER_KEY given at run time,
# and makes a new master.key in the volume only when neither exists.
ENV IDP_DATA_DIR=/var/lib/idp \
    IDP_BIND=0.0.0.0:8080
VOLUME ["/var/lib/idp"]
EXPOSE 8080
USER 10001:10001

# /readyz answers 200 while the database answers too, 503 otherwise; busybox
# wget exits non-zero on anything but a 2xx (and Docker ends it after
# --timeout: Debian's busybox wget has no timeout option of its own). The
# port is the one of IDP_BIND.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/bin/sh", "-c", "exec busybox wget -q -O /dev/null \"http://127.0.0.1:${IDP_BIND##*:}/readyz\""]

ENTRYPOINT ["/usr/local/bin/idp"]
CMD ["serve"]
