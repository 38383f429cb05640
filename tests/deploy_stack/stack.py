"""The deployment test's images and compose project (tests/test_deploy_stack.py).

Docker Hub cannot be reached from the test machines: the official images deploy/ names are
replaced by stand-ins built on a Debian base made by debootstrap (build-base.sh), and the
app's image is built from deploy/Dockerfile, unchanged, on the python stand-in
(`--build-arg BASE_IMAGE`). The stack runs a copy of deploy/ (its files byte for byte, plus
a generated .env, a self-signed certificate and compose.override.yaml, which only swaps the
images), so an operator's own deploy/.env is never touched.

    python -m tests.deploy_stack.stack prepare

builds every image; .ci/deploy-prepare.sh runs it in the background while the rest of the
suite runs (cold: debootstrap, apt and pip downloads, a few minutes; warm: seconds).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEPLOY = ROOT / "deploy"
# Distinct names: nothing here poses as an official image.
STAND_INS = {
    "python": "mesdroits-test/python:3.11-slim-bookworm",
    "postgres": "mesdroits-test/postgres:16",
    "nginx": "mesdroits-test/nginx:stable",
}
APP_IMAGE = "mesdroits-test/app:latest"
LABEL = "org.mesdroits.test=deploy-stack"
# What the app's image may weigh (issue 19), in bytes.
IMAGE_LIMIT = 600 * 1000 * 1000


class DockerFailed(RuntimeError):
    """A docker or compose command failed; the message ends with its output's tail."""


def run(command: list[str], timeout: float = 900, **options) -> subprocess.CompletedProcess:
    """Run a command; its failure raises DockerFailed with the last lines it printed."""
    done = subprocess.run(command, capture_output=True, timeout=timeout, **options)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).decode(errors="replace").splitlines()[-40:]
        raise DockerFailed(f"{' '.join(map(str, command))} → {done.returncode}\n" + "\n".join(tail))
    return done


def docker(*args: str, timeout: float = 900, **options) -> subprocess.CompletedProcess:
    return run(["docker", *args], timeout=timeout, **options)


def build(tag: str, dockerfile: Path, context: Path | str, *build_args: str, stdin=None) -> None:
    """`docker build` with the host's network (the daemon has no NAT: apt and pip reach their
    registries from the host's namespace) and the classic builder, which every client has.
    The label lets `prune` find the images a later build replaced."""
    args = [a for pair in (("--build-arg", b) for b in build_args) for a in pair]
    run(["docker", "build", "--network", "host", "--force-rm", "--label", LABEL, "-f", str(dockerfile), *args,
         "-t", tag, str(context)], stdin=stdin, env={**os.environ, "DOCKER_BUILDKIT": "0"})


def prune() -> None:
    """Our images that a newer build left without a name (the layers still used stay)."""
    docker("image", "prune", "--force", "--filter", f"label={LABEL}", timeout=300)


def build_stand_ins() -> None:
    """The debootstrap base, then the three stand-ins on it (docker's cache: seconds when warm)."""
    base = run(["bash", str(HERE / "build-base.sh")], timeout=1200).stdout.decode().strip().splitlines()[-1]
    for name, tag in STAND_INS.items():
        build(tag, HERE / f"{name}.Dockerfile", HERE, f"BASE={base}")


# --- The app's image ----------------------------------------------------------------------------


def _copied_sources(dockerfile: str) -> list[str]:
    """What deploy/Dockerfile copies from the build context (COPY/ADD, not from a stage)."""
    text = re.sub(r"\\\n", " ", dockerfile)
    sources = []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0].upper() not in ("COPY", "ADD"):
            continue
        if any(w.startswith("--from") for w in words):
            continue
        operands = [w for w in words[1:] if not w.startswith("--")]
        if operands and operands[0].startswith("["):
            operands = json.loads(" ".join(operands))
        sources += operands[:-1]
    return sources


def app_context() -> Path:
    """A tarball of the build context the Dockerfile reads: the Dockerfile and what it copies
    (no virtualenv, no .git, no caches), whichever builder runs it."""
    dockerfile = DEPLOY / "Dockerfile"
    handle, name = tempfile.mkstemp(prefix="md-app-context-", suffix=".tar")
    with open(handle, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        tar.add(dockerfile, "deploy/Dockerfile")
        for source in _copied_sources(dockerfile.read_text(encoding="utf-8")):
            matches = sorted(ROOT.glob(source.rstrip("/"))) if any(c in source for c in "*?[") else [ROOT / source.rstrip("/")]
            if not matches or not all(m.exists() for m in matches):
                raise FileNotFoundError(f"deploy/Dockerfile copies {source}, which is missing")
            for match in matches:
                tar.add(match, str(match.relative_to(ROOT)),
                        filter=lambda info: None if "__pycache__" in info.name or info.name.endswith(".pyc") else info)
    return Path(name)


def build_app(tag: str = APP_IMAGE) -> None:
    """deploy/Dockerfile, unchanged, on the python stand-in."""
    context = app_context()
    try:
        with context.open("rb") as stdin:
            build(tag, Path("deploy/Dockerfile"), "-", f"BASE_IMAGE={STAND_INS['python']}", stdin=stdin)
    finally:
        context.unlink()


def image_size(tag: str) -> int:
    return int(docker("image", "inspect", "--format", "{{.Size}}", tag).stdout)


# --- The compose project ------------------------------------------------------------------------


def compose_cli() -> list[str] | None:
    """Docker Compose: the `docker compose` plugin, else the standalone docker-compose."""
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def env_file(example: str, settings: dict[str, str]) -> str:
    """.env.example filled as an operator would: every empty password and the key made up,
    each REPLACE_WITH_<NAME> replaced by that setting, then `settings` on top."""
    values: dict[str, str] = {}
    for line in example.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            name, value = line.split("=", 1)
            values[name.strip()] = value
    for name, value in values.items():
        if value == "" and "PASSWORD" in name:
            values[name] = secrets.token_hex(16)
    if values.get("MESDROITS_KEY", None) == "":
        values["MESDROITS_KEY"] = fernet_key()
    values.update(settings)
    for name, value in values.items():
        values[name] = re.sub(r"REPLACE_WITH_(\w+)", lambda m: values[m.group(1)], value)
    return "".join(f"{name}={value}\n" for name, value in values.items())


class Stack:
    """deploy/compose.yaml run from a copy of deploy/ in `folder`, with the stand-ins."""

    def __init__(self, folder: Path, name: str, app_image: str) -> None:
        self.folder, self.name, self.app_image = folder, name, app_image
        self.https_port, self.http_port = free_port(), free_port()
        cli = compose_cli()
        if cli is None:
            raise DockerFailed("Docker Compose est introuvable : installez le paquet Debian docker-compose.")
        self.cli = cli

    def write(self, replicas: int) -> None:
        """What deploy/README.md has an operator do, in a copy of deploy/ (without the
        machine's own .env, certificate or keys): a test certificate, the key file, the .env
        filled in; then the override."""
        shutil.copytree(DEPLOY, self.folder,
                        ignore=shutil.ignore_patterns(".env", "tls", "acme", "secrets", "backups", "__pycache__"))
        (self.folder / "acme").mkdir()
        run(["sh", str(self.folder / "self-signed-cert.sh"), "localhost"], timeout=60)
        if (self.folder / "make-key.sh").exists():
            run(["sh", str(self.folder / "make-key.sh")], timeout=60)
        example = (ROOT / ".env.example").read_text(encoding="utf-8")
        settings = {"COMPOSE_PROJECT_NAME": self.name, "HTTP_PORT": str(self.http_port),
                    "HTTPS_PORT": str(self.https_port), "APP_REPLICAS": str(replicas)}
        (self.folder / ".env").write_text(env_file(example, settings), encoding="utf-8")
        (self.folder / ".env").chmod(0o600)
        shutil.copyfile(HERE / "compose.override.yaml", self.folder / "compose.override.yaml")

    def compose(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
        environ.update({"STACK_APP_IMAGE": self.app_image, "STACK_POSTGRES_IMAGE": STAND_INS["postgres"],
                        "STACK_NGINX_IMAGE": STAND_INS["nginx"]})
        return run([*self.cli, "-p", self.name, "-f", str(self.folder / "compose.yaml"),
                    "-f", str(self.folder / "compose.override.yaml"), *args],
                   timeout=timeout, cwd=self.folder, env=environ)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def up(self, replicas: int, timeout: float = 240) -> None:
        """Every service started in compose's order (database healthy, migration done, app
        healthy, then nginx), and the app answering through nginx over TLS."""
        self.compose("up", "-d", "--no-build", "--scale", f"app={replicas}", timeout=timeout)
        settle_interfaces()
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=5, context=context) as answer:
                    if answer.status == 200:
                        return
            except OSError as error:
                if time.monotonic() > deadline:
                    raise DockerFailed(f"nginx does not answer on {self.url}: {error}") from error
            time.sleep(0.5)

    def containers(self, service: str) -> list[str]:
        return self.compose("ps", "-q", service).stdout.decode().split()

    def logs(self) -> str:
        if not (self.folder / ".env").exists():
            return ""
        return self.compose("logs", "--no-color", timeout=120).stdout.decode(errors="replace")

    def down(self) -> None:
        """Containers, network and volumes removed (the images stay: Docker's cache)."""
        if (self.folder / ".env").exists():
            self.compose("down", "-v", "--remove-orphans", "-t", "5", timeout=180)


def settle_interfaces(timeout: float = 15) -> None:
    """Wait until the host's new network interfaces (the compose network's bridge and veths)
    have their addresses: Chromium aborts its requests with ERR_NETWORK_CHANGED whenever an
    interface or address changes, even those to 127.0.0.1."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tentative = subprocess.run(["ip", "-6", "addr", "show", "tentative"], capture_output=True, text=True)
        if tentative.returncode != 0 or not tentative.stdout.strip():
            break
        time.sleep(0.3)
    time.sleep(1)


def page_runs(container: str) -> int:
    """How many page runs a container's app logged (its JSON log: ids and durations only)."""
    done = docker("logs", container, timeout=60)
    return (done.stdout + done.stderr).count(b'"event": "page_run"')


def main(argv: list[str]) -> int:
    if argv != ["prepare"]:
        print("usage: python -m tests.deploy_stack.stack prepare", file=sys.stderr)
        return 2
    started = time.monotonic()
    build_stand_ins()
    print(f"stand-ins ready in {time.monotonic() - started:.0f} s", flush=True)
    build_app()
    prune()
    print(f"app image ready in {time.monotonic() - started:.0f} s "
          f"({image_size(APP_IMAGE) / 1e6:.0f} MB)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
