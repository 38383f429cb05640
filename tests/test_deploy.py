"""The container set-up (deploy/): the compose file as Docker Compose reads it, the env file
it needs, the image recipe, and deploy/nginx-tls.conf run for real by nginx over TLS and
HTTP/2 in front of local stand-ins for the app (gzip, WebSocket upgrade, sticky routing over
one name that resolves to two addresses, the security headers, the Secure cookie flag, the
redirect that keeps the port, an error log without query strings).

No Docker daemon is needed: `docker compose config` works client-side. A missing Compose
CLI is skipped on a developer's machine and fails under CI (CI=true), like every tool the
tests drive for real.
"""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import http.server
import ipaddress
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = ROOT / ".env.example"
PASSWORDS = ("POSTGRES_PASSWORD", "MESDROITS_OWNER_PASSWORD", "MESDROITS_APP_PASSWORD")
NEEDED_SETTINGS = (*PASSWORDS, "MESDROITS_KEY_PATH", "TLS_CERT", "TLS_KEY", "MESDROITS_RETENTION_DAYS")


def _env_lines(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def _compose_file() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


# --- What the files say (no tool needed) ------------------------------------------------------


def test_compose_has_the_app_postgres_and_the_proxy_wired_together():
    services = _compose_file()["services"]
    assert {"app", "postgres", "proxy", "migrate"} <= services.keys()
    app, migrate, postgres, proxy = services["app"], services["migrate"], services["postgres"], services["proxy"]
    assert postgres["image"] == "postgres:16" and "healthcheck" in postgres
    assert any(v.startswith("pgdata:") for v in postgres["volumes"]) and "pgdata" in _compose_file()["volumes"]
    assert "./postgres-roles.sh:/docker-entrypoint-initdb.d/10-mesdroits-roles.sh:ro" in postgres["volumes"]
    assert "ports" not in postgres and "ports" not in app and "container_name" not in app
    # No env_file: deploy/.env holds the database passwords, which the app must not see.
    assert "env_file" not in app and "env_file" not in migrate
    # The migrations run as the owner, once; the app as its own role; nothing starts without them.
    assert re.fullmatch(r"postgresql://mesdroits_owner:\$\{MESDROITS_OWNER_PASSWORD:\?.+\}@postgres:5432/mesdroits",
                        migrate["environment"]["DATABASE_URL"])
    assert re.fullmatch(r"postgresql://mesdroits_app:\$\{MESDROITS_APP_PASSWORD:\?.+\}@postgres:5432/mesdroits",
                        app["environment"]["DATABASE_URL"])
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["command"] == ["python", "-m", "assistant", "migrate"]
    # The key: a Docker secret read from a file, never an environment variable.
    for service in (app, migrate):
        assert service["secrets"] == ["mesdroits_key"]
        assert service["environment"]["MESDROITS_KEY_FILE"] == "/run/secrets/mesdroits_key"
        assert "MESDROITS_KEY" not in service["environment"]
    assert _compose_file()["secrets"]["mesdroits_key"]["file"].startswith("${MESDROITS_KEY_PATH")
    # nginx's file is a template: the image substitutes HTTPS_PORT (and only it).
    assert "./nginx-tls.conf:/etc/nginx/templates/default.conf.template:ro" in proxy["volumes"]
    assert proxy["environment"]["HTTPS_PORT"] == "${HTTPS_PORT:-443}"
    assert {p.split(":")[-1] for p in proxy["ports"]} == {"80", "443"}


def test_every_setting_the_compose_file_reads_is_in_the_env_example():
    used = set(re.findall(r"\$\{(\w+)", (DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    documented = _env_lines(ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert used <= documented.keys(), used - documented.keys()
    assert set(NEEDED_SETTINGS) <= documented.keys()
    # The passwords are left empty: a copied, unfilled example must not start anything; the
    # key is not there at all (a file, deploy/make-key.sh).
    assert all(documented[name] == "" for name in PASSWORDS)
    assert "MESDROITS_KEY" not in documented


def test_the_image_runs_as_a_user_and_starts_streamlit_without_migrating():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    # The official base is the default; the deployment test passes its stand-in (tests/deploy_stack/).
    assert re.search(r"^ARG BASE_IMAGE=python:3\.11-slim-bookworm\nFROM \$\{BASE_IMAGE\}$", dockerfile, re.M)
    assert "pip install --no-compile --require-hashes -r requirements.lock" in dockerfile and "fonts-dejavu-core" in dockerfile
    user = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert user and user[-1] not in ("root", "0")
    # Health: the database answers and is migrated, then Streamlit.
    health = re.search(r"^HEALTHCHECK .*\\\n\s+CMD (.+)$", dockerfile, re.M).group(1)
    assert health.index("python -m assistant health") < health.index("/_stcore/health")
    start = (DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")
    code = "\n".join(line for line in start.splitlines() if not line.lstrip().startswith("#"))
    assert "migrate" not in code and "exec streamlit run assistant/app.py" in code
    # No ~20 s lookup of an external IP at each start.
    assert "--browser.serverAddress localhost" in code
    assert os.access(DEPLOY / "entrypoint.sh", os.X_OK) and os.access(DEPLOY / "postgres-roles.sh", os.X_OK)
    # Every folder the image copies exists (a renamed folder would break the build).
    for source in re.findall(r"^COPY (\S+) ", dockerfile, re.M):
        assert (ROOT / source).exists(), source


def _listens_on(*make_args: str) -> str:
    """The --server.address of the `streamlit run` that `make run` would start."""
    dry = subprocess.run(["make", "-n", "run", *make_args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    start = next(line for line in dry.stdout.splitlines() if "streamlit run" in line)
    return re.search(r"--server\.address (\S+)", start).group(1)


def test_make_run_listens_on_this_machine_unless_asked_and_the_container_on_its_network():
    import tomllib

    assert _listens_on() == "127.0.0.1"
    assert _listens_on("HOST=0.0.0.0") == "0.0.0.0"
    # A bare `streamlit run` from the repository root too; the container says otherwise on
    # its command line (nginx reaches it over the compose network, nothing is published).
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    start = (DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")
    assert re.search(r"streamlit run assistant/app\.py\s+\\\n\s+--server\.address 0\.0\.0\.0", start)


# --- Docker Compose reads it ------------------------------------------------------------------


def _compose_cli() -> list[str]:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0:
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    if standalone:
        return [standalone]
    message = ("Docker Compose est introuvable (ni « docker compose » ni « docker-compose ») : "
               "installez le paquet Debian docker-compose, ou le greffon Compose de Docker.")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of deploy/ next to an empty build context, with an env file from the example."""
    (tmp_path / "deploy").mkdir()
    for name in ("compose.yaml", "nginx-tls.conf", "Dockerfile"):
        shutil.copy(DEPLOY / name, tmp_path / "deploy" / name)
    return tmp_path / "deploy"


def _config(compose: list[str], folder: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    return subprocess.run([*compose, "-f", str(folder / "compose.yaml"), "config"], capture_output=True,
                          text=True, timeout=60, cwd=folder.parent, env=env)


def test_docker_compose_reads_the_file_and_gives_each_service_only_its_settings(project):
    compose = _compose_cli()
    example = ENV_EXAMPLE.read_text(encoding="utf-8")
    # Copied as it is, unfilled: refused, naming a missing password.
    (project / ".env").write_text(example, encoding="utf-8")
    refused = _config(compose, project)
    assert refused.returncode != 0 and any(name in refused.stderr for name in PASSWORDS), refused.stderr
    filled = example.replace("MESDROITS_RETENTION_DAYS=365", "MESDROITS_RETENTION_DAYS=90")
    for name in PASSWORDS:
        filled = filled.replace(f"{name}=\n", f"{name}={name.lower()}1\n")
    (project / ".env").write_text(filled, encoding="utf-8")
    (project / "secrets").mkdir()
    (project / "secrets" / "mesdroits.key").write_text("dGVzdC1rZXktb2YtMzItYnl0ZXMtZm9yLWZlcm5ldCE=\n")
    result = _config(compose, project)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"app", "postgres", "proxy", "migrate"} <= services.keys()
    assert services["migrate"]["environment"]["DATABASE_URL"] == (
        "postgresql://mesdroits_owner:mesdroits_owner_password1@postgres:5432/mesdroits")
    assert services["app"]["environment"]["DATABASE_URL"] == (
        "postgresql://mesdroits_app:mesdroits_app_password1@postgres:5432/mesdroits")
    for name in ("app", "migrate"):
        environment = services[name]["environment"]
        assert environment["MESDROITS_RETENTION_DAYS"] == "90"
        assert environment["MESDROITS_KEY_FILE"] == "/run/secrets/mesdroits_key"
        # Neither the superuser's password nor the key is in the app's environment; the
        # app's containers do not have the owner's password either.
        others = "postgres_password1" if name == "migrate" else "mesdroits_owner_password1"
        assert others not in str(environment) and "postgres_password1" not in str(environment)
        assert "dGVzdC1rZXkt" not in str(environment)
    postgres = services["postgres"]["environment"]
    assert postgres["POSTGRES_PASSWORD"] == "postgres_password1" and postgres["POSTGRES_USER"] == "postgres"
    assert postgres["MESDROITS_APP_PASSWORD"] == "mesdroits_app_password1"
    assert Path(config["secrets"]["mesdroits_key"]["file"]) == project / "secrets" / "mesdroits.key"
    assert services["app"]["image"] == services["migrate"]["image"] == "mesdroits-app:latest"
    assert "pgdata" in config["volumes"]


# --- nginx over TLS, for real -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


UPSTREAM_ADDRESSES = ("127.0.0.2", "127.0.0.3")   # what Docker's DNS gives for `app` with 2 processes


def tls_config(upstream_port: int, http_port: int, https_port: int, tmp: Path, published_https: str = "",
               addresses: tuple[str, ...] = UPSTREAM_ADDRESSES) -> Path:
    """deploy/nginx-tls.conf inside an `http` block, as the nginx image's envsubst writes it
    (${HTTPS_PORT} = `published_https`, default the listening port), with the test's ports,
    certificate and private temp paths. The upstream keeps its name, `app`: `run_nginx`
    makes it resolve to two addresses, like Docker's DNS with two app containers."""
    cert, key = _self_signed(tmp)
    body = (DEPLOY / "nginx-tls.conf").read_text(encoding="utf-8")
    replacements = {
        "${HTTPS_PORT}": published_https or str(https_port),
        "    server app:8501;\n": f"    server app:{upstream_port};\n",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/nginx/tls/fullchain.pem": str(cert),
        "/etc/nginx/tls/privkey.pem": str(key),
        "/var/www/acme": str(tmp / "acme"),
    }
    for old, new in replacements.items():
        assert old in body, old
        body = body.replace(old, new)
    body = re.sub(r"^\s*listen \[::\]:\d+.*\n", "", body, flags=re.M)  # no IPv6 assumed here
    temp = "".join(f"    {kind}_temp_path {tmp / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = (f"daemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\nevents {{}}\n"
              f"http {{\n    include /etc/nginx/mime.types;\n{temp}{body}\n}}\n")
    path = tmp / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    (tmp / "hosts").write_text("127.0.0.1 localhost\n" + "".join(f"{a} app\n" for a in addresses))
    return path


PAGE = ("<!doctype html><html><body>" + "Mes droits face à l'algorithme. " * 200 + "</body></html>").encode()


class StandIn(http.server.BaseHTTPRequestHandler):
    """What nginx sees of the app: a compressible page naming which process answered and
    the forwarded scheme and host, Streamlit's XSRF cookie (set without Secure, as behind a
    proxy), and a WebSocket handshake."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.headers.get("Upgrade", "").lower() == "websocket":
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
            self.end_headers()
            self.close_connection = True
            return
        body = PAGE + (f"<!-- process {self.server.server_address[0]} {self.headers.get('X-Forwarded-Proto')} "
                       f"host={self.headers.get('Host')} -->").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "_streamlit_xsrf=2|abc|def|1; Path=/; SameSite=Lax")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def stand_ins():
    """Two app processes on the two addresses `app` resolves to, on one port (Docker: one
    port, one address per container); yields the port."""
    first = http.server.ThreadingHTTPServer((UPSTREAM_ADDRESSES[0], 0), StandIn)
    port = first.server_port
    servers = [first, http.server.ThreadingHTTPServer((UPSTREAM_ADDRESSES[1], port), StandIn)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield port
    for server in servers:
        server.shutdown()
        server.server_close()


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        pytest.fail("nginx introuvable : installez le paquet Debian « nginx-light » (.ci/system-deps.sh le fait).")
    return found


def _with_hosts(command: list[str], tmp: Path) -> list[str]:
    """`command` in a private mount namespace where /etc/hosts is the test's (`app` → two
    addresses): the machine's own file is never touched."""
    unshare = shutil.which("unshare")
    if not unshare:
        pytest.fail("unshare introuvable : installez le paquet Debian util-linux.")
    private = [unshare, "-m"] if os.geteuid() == 0 else [unshare, "-r", "-m"]
    return [*private, "sh", "-c", f'mount --bind "{tmp / "hosts"}" /etc/hosts && exec "$@"', "nginx", *command]


def test_nginx_accepts_the_tls_configuration(stand_ins, tmp_path):
    config = tls_config(stand_ins, _free_port(), _free_port(), tmp_path)
    checked = subprocess.run(_with_hosts([_nginx(), "-t", "-c", str(config), "-p", str(tmp_path)], tmp_path),
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


def _context(cert: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(cert))
    context.set_alpn_protocols(["h2", "http/1.1"])
    return context


def _get(port: int, cert: Path, path: str = "/", headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPSConnection("localhost", port, context=ssl.create_default_context(cafile=str(cert)),
                                             timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): [v for n, v in answer.getheaders() if n.lower() == k.lower()]
                               for k, _ in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def _cookie(headers: dict) -> str:
    return next(re.match(r"mesdroits_route=([^;]+);", c).group(1) for c in headers["set-cookie"]
                if c.startswith("mesdroits_route="))


class Nginx:
    """nginx run on deploy/nginx-tls.conf; `log` is what it wrote to its error logs."""

    def __init__(self, upstream_port: int, tmp: Path, published_https: str = "",
                 addresses: tuple[str, ...] = UPSTREAM_ADDRESSES) -> None:
        self.http_port, self.https_port, self.tmp = _free_port(), _free_port(), tmp
        self.cert = tmp / "fullchain.pem"
        config = tls_config(upstream_port, self.http_port, self.https_port, tmp, published_https, addresses)
        self.stderr = tmp / "stderr.log"
        with self.stderr.open("wb") as err:
            self.process = subprocess.Popen(_with_hosts([_nginx(), "-c", str(config), "-p", str(tmp)], tmp),
                                            stdout=subprocess.DEVNULL, stderr=err)
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"nginx did not start: {self.log}")

    @property
    def log(self) -> str:
        return "".join(p.read_text(errors="replace") for p in (self.tmp / "error.log", self.stderr) if p.exists())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def nginx(stand_ins, tmp_path):
    server = Nginx(stand_ins, tmp_path)
    yield server
    server.stop()


def test_nginx_serves_over_tls_and_http2_compressed_sticky_and_passes_the_websocket(nginx):
    https_port, cert = nginx.https_port, nginx.cert
    status, headers, body = _get(https_port, cert, headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == ["gzip"]
    page = gzip.decompress(body)
    assert page.startswith(PAGE) and b" https host=" in page and len(body) < len(page) / 4
    # The browser's Host reaches the app with its port (Streamlit compares it with the Origin).
    assert f"host=localhost:{https_port} -->".encode() in page
    route = next(c for c in headers["set-cookie"] if c.startswith("mesdroits_route="))
    assert "Secure" in route and "HttpOnly" in route and "SameSite=Lax" in route

    # Sticky: one browser (one cookie) always reaches the same process; new browsers spread
    # over both addresses of the one name `app`.
    def process_of(route: str) -> str:
        _, answer_headers, answer = _get(https_port, cert, headers={"Cookie": f"mesdroits_route={route}"})
        assert _cookie(answer_headers) == route
        return re.search(rb"<!-- process (\S+)", answer).group(1).decode()

    for _ in range(5):
        route = _cookie(_get(https_port, cert)[1])
        assert len({process_of(route) for _ in range(8)}) == 1, "one browser must stay on one process"
    spread = {re.search(rb"<!-- process (\S+)", _get(https_port, cert)[2]).group(1) for _ in range(40)}
    assert spread == {a.encode() for a in UPSTREAM_ADDRESSES}, "new browsers should be spread over both processes"

    # HTTP/2 is offered (ALPN), with HTTP/1.1 still there for the WebSocket.
    with socket.create_connection(("127.0.0.1", https_port), timeout=10) as raw, \
            _context(cert).wrap_socket(raw, server_hostname="localhost") as tls:
        assert tls.selected_alpn_protocol() == "h2"

    # The WebSocket handshake goes through to the app.
    context = ssl.create_default_context(cafile=str(cert))
    with socket.create_connection(("127.0.0.1", https_port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="localhost") as tls:
        tls.sendall(b"GET /_stcore/stream HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        assert tls.recv(200).startswith(b"HTTP/1.1 101")


def test_nginx_sends_the_security_headers_and_makes_the_apps_cookie_secure(nginx):
    _, headers, _ = _get(nginx.https_port, nginx.cert)
    policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"][0].split(";"))
    assert policy["frame-ancestors"] == "'self'" and policy["object-src"] == "'none'"
    # Scripts from the app only: no other origin, no eval (inline scripts: the pages' st.html helpers).
    assert policy["script-src"].split() == ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'", "blob:"]
    assert policy["default-src"] == "'self'" and policy["connect-src"] == f"'self' wss://localhost:{nginx.https_port}"
    assert headers["x-frame-options"] == ["SAMEORIGIN"]
    assert "max-age=" in headers["strict-transport-security"][0] and headers["referrer-policy"] == ["no-referrer"]
    assert headers["x-content-type-options"] == ["nosniff"]
    assert headers["server"] == ["nginx"]                       # server_tokens off: no version
    xsrf = next(c for c in headers["set-cookie"] if c.startswith("_streamlit_xsrf="))
    assert "secure" in xsrf.lower() and "SameSite=Lax" in xsrf


@pytest.mark.parametrize("published, expected", [("", None), ("443", "")])
def test_port_80_redirects_to_https_keeping_a_non_standard_port(stand_ins, tmp_path, published, expected):
    server = Nginx(stand_ins, tmp_path, published_https=published)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=10)
        connection.request("GET", "/?lang=fr", headers={"Host": f"droits.example.org:{server.http_port}"})
        answer = connection.getresponse()
        port = f":{server.https_port}" if expected is None else expected
        assert answer.status == 301 and answer.getheader("Location") == f"https://droits.example.org{port}/?lang=fr"
        connection.close()
    finally:
        server.stop()


def test_nginx_logs_no_request_line_nor_query_string(stand_ins, tmp_path):
    """A failing upstream is what makes nginx log a request (level `error`, with its query
    string): with the app's processes down, nothing of the request reaches the logs."""
    server = Nginx(_free_port(), tmp_path)   # nothing listens there
    try:
        status, _, _ = _get(server.https_port, server.cert, "/?s=CLE-SECRETE-42&name=Dupont")
        assert status == 502
        plain = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=10)
        plain.request("GET", "/?s=CLE-SECRETE-43")
        assert plain.getresponse().status == 301
    finally:
        server.stop()
    assert "CLE-SECRETE" not in server.log and "Dupont" not in server.log and "GET /" not in server.log
