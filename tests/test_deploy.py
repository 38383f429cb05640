"""The container set-up (deploy/): the compose file as Docker Compose reads it, the env file
it needs, the image recipe, and deploy/nginx-tls.conf run for real by nginx over TLS in
front of local stand-ins for the app (gzip, WebSocket upgrade, sticky routing cookie).

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
NEEDED_SETTINGS = ("DATABASE_URL", "MESDROITS_KEY", "POSTGRES_PASSWORD", "TLS_CERT", "TLS_KEY",
                   "MESDROITS_RETENTION_DAYS")


def _env_lines(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def _compose_file() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


# --- What the files say (no tool needed) ------------------------------------------------------


def test_compose_has_the_app_postgres_and_the_proxy_wired_together():
    services = _compose_file()["services"]
    assert {"app", "postgres", "proxy", "migrate"} <= services.keys()
    app, postgres, proxy = services["app"], services["postgres"], services["proxy"]
    assert postgres["image"] == "postgres:16" and "healthcheck" in postgres
    assert any(v.startswith("pgdata:") for v in postgres["volumes"]) and "pgdata" in _compose_file()["volumes"]
    assert "ports" not in postgres and "ports" not in app and "container_name" not in app
    # The app's secrets come from the env file, and nothing starts without them.
    assert app["env_file"] == ".env"
    for name in ("DATABASE_URL", "MESDROITS_KEY"):
        assert re.fullmatch(rf"\$\{{{name}:\?.+\}}", app["environment"][name]), name
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"] == ["python", "-m", "assistant", "migrate"]
    assert "./nginx-tls.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    assert {p.split(":")[-1] for p in proxy["ports"]} == {"80", "443"}


def test_every_setting_the_compose_file_reads_is_in_the_env_example():
    used = set(re.findall(r"\$\{(\w+)", (DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    documented = _env_lines(ENV_EXAMPLE.read_text(encoding="utf-8"))
    assert used <= documented.keys(), used - documented.keys()
    assert set(NEEDED_SETTINGS) <= documented.keys()
    # The secrets are left empty: a copied, unfilled example must not start anything.
    assert documented["MESDROITS_KEY"] == "" and documented["POSTGRES_PASSWORD"] == ""


def test_the_image_runs_as_a_user_migrates_then_starts_streamlit():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    # The official base is the default; the deployment test passes its stand-in (tests/deploy_stack/).
    assert re.search(r"^ARG BASE_IMAGE=python:3\.11-slim-bookworm\nFROM \$\{BASE_IMAGE\}$", dockerfile, re.M)
    assert "pip install -r requirements.txt" in dockerfile and "fonts-dejavu-core" in dockerfile
    user = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert user and user[-1] not in ("root", "0")
    start = (DEPLOY / "entrypoint.sh").read_text(encoding="utf-8")
    assert start.index("python -m assistant migrate") < start.index("streamlit run assistant/app.py")
    assert os.access(DEPLOY / "entrypoint.sh", os.X_OK)
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


def test_docker_compose_reads_the_file_and_gives_the_app_the_env_file_settings(project):
    compose = _compose_cli()
    example = ENV_EXAMPLE.read_text(encoding="utf-8")
    # Copied as it is, unfilled: refused, naming the missing secret.
    (project / ".env").write_text(example, encoding="utf-8")
    refused = _config(compose, project)
    assert refused.returncode != 0 and ("MESDROITS_KEY" in refused.stderr or "POSTGRES_PASSWORD" in refused.stderr)
    filled = (example.replace("POSTGRES_PASSWORD=\n", "POSTGRES_PASSWORD=s3cret\n")
              .replace("REPLACE_WITH_POSTGRES_PASSWORD", "s3cret")
              .replace("MESDROITS_KEY=\n", "MESDROITS_KEY=dGVzdC1rZXktb2YtMzItYnl0ZXMtZm9yLWZlcm5ldCE=\n")
              .replace("MESDROITS_RETENTION_DAYS=365", "MESDROITS_RETENTION_DAYS=90"))
    (project / ".env").write_text(filled, encoding="utf-8")
    result = _config(compose, project)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"app", "postgres", "proxy", "migrate"} <= services.keys()
    for name in ("app", "migrate"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"] == "postgresql://mesdroits:s3cret@postgres:5432/mesdroits"
        assert environment["MESDROITS_KEY"] == "dGVzdC1rZXktb2YtMzItYnl0ZXMtZm9yLWZlcm5ldCE="
        assert environment["MESDROITS_RETENTION_DAYS"] == "90"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "s3cret"
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


def tls_config(upstreams: list[int], http_port: int, https_port: int, tmp: Path) -> Path:
    """deploy/nginx-tls.conf inside an `http` block, with the test's upstreams, ports,
    certificate and private temp paths (nothing else changed)."""
    cert, key = _self_signed(tmp)
    body = (DEPLOY / "nginx-tls.conf").read_text(encoding="utf-8")
    replacements = {
        "    server app:8501;\n": "".join(f"    server 127.0.0.1:{port};\n" for port in upstreams),
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
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
    return path


PAGE = ("<!doctype html><html><body>" + "Mes droits face à l'algorithme. " * 200 + "</body></html>").encode()


class StandIn(http.server.BaseHTTPRequestHandler):
    """What nginx sees of the app: a compressible page naming which process answered and
    the forwarded scheme, and a WebSocket handshake."""

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
        body = PAGE + f"<!-- process {self.server.server_port} {self.headers.get('X-Forwarded-Proto')} -->".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def stand_ins():
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [s.server_port for s in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        pytest.fail("nginx introuvable : installez le paquet Debian « nginx-light » (.ci/system-deps.sh le fait).")
    return found


def test_nginx_accepts_the_tls_configuration(stand_ins, tmp_path):
    config = tls_config(stand_ins, _free_port(), _free_port(), tmp_path)
    checked = subprocess.run([_nginx(), "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True,
                             text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


def _get(port: int, cert: Path, path: str = "/", headers: dict | None = None) -> tuple[int, dict, bytes]:
    context = ssl.create_default_context(cafile=str(cert))
    connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def _cookie(headers: dict) -> str:
    return re.match(r"mesdroits_route=([^;]+);", headers["set-cookie"]).group(1)


def test_nginx_serves_over_tls_compressed_sticky_and_passes_the_websocket(stand_ins, tmp_path):
    http_port, https_port = _free_port(), _free_port()
    config = tls_config(stand_ins, http_port, https_port, tmp_path)
    process = subprocess.Popen([_nginx(), "-c", str(config), "-p", str(tmp_path)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    cert = tmp_path / "fullchain.pem"
    try:
        for _ in range(100):
            try:
                status, headers, body = _get(https_port, cert, headers={"Accept-Encoding": "gzip"})
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"nginx did not start: {(tmp_path / 'error.log').read_text() if (tmp_path / 'error.log').exists() else ''}")
        assert status == 200 and headers.get("content-encoding") == "gzip"
        page = gzip.decompress(body)
        assert page.startswith(PAGE) and b" https -->" in page and len(body) < len(page) / 4
        assert "max-age=" in headers["strict-transport-security"] and headers["referrer-policy"] == "no-referrer"
        cookie = headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie

        # Sticky: one browser (one cookie) always reaches the same process; new browsers spread.
        def process_of(route: str) -> str:
            _, answer_headers, answer = _get(https_port, cert, headers={"Cookie": f"mesdroits_route={route}"})
            assert _cookie(answer_headers) == route
            return re.search(rb"<!-- process (\d+)", answer).group(1).decode()

        first = _cookie(headers)
        assert len({process_of(first) for _ in range(10)}) == 1
        spread = {re.search(rb"<!-- process (\d+)", _get(https_port, cert)[2]).group(1) for _ in range(40)}
        assert len(spread) == 2, "new browsers should be spread over both processes"

        # The WebSocket handshake goes through to the app.
        context = ssl.create_default_context(cafile=str(cert))
        with socket.create_connection(("127.0.0.1", https_port), timeout=10) as raw, \
                context.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"GET /_stcore/stream HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                        b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
            assert tls.recv(200).startswith(b"HTTP/1.1 101")

        # Plain HTTP only redirects to HTTPS.
        connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        connection.request("GET", "/?s=abc", headers={"Host": "droits.example.org"})
        answer = connection.getresponse()
        assert answer.status == 301 and answer.getheader("Location") == "https://droits.example.org/?s=abc"
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
