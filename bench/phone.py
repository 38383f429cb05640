"""The app on a slow phone: time to the start screen and to the first question in Chromium
with Chrome DevTools' network and CPU emulation (150 ms RTT, 1.6 Mbps down, 750 kbps up,
CPU 4× slower), cold (empty cache) and on a second visit (a new tab, the cache kept).

    .venv/bin/python bench/phone.py                       # every setup, 3 visits each (median)
    .venv/bin/python bench/phone.py --setups nginx-static --runs 5

Setups: `streamlit` (`streamlit run` alone, as `make run`), `nginx` (deploy/nginx.conf in
front, gzip on the fly), `nginx-static` (the same, with Streamlit's static files precompressed
by tools/precompress_static.py and served by nginx's `location /static/`), `nginx-tls`
(deploy/nginx-tls.conf, the containers' proxy: TLS and HTTP/2, gzip on the fly; a
self-signed certificate made here). One line per
visit kind and setup, with the bytes on the wire and the requests, and the machine's load.
Aim (issue 19): first question ≤ 5 s cold, ≤ 2 s on a second visit.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import free_port, start_servers, stop_servers  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
CPU_SLOWDOWN = 4
PHONE = {"width": 360, "height": 740}
SETUPS = ("streamlit", "nginx", "nginx-static", "nginx-tls")


def nginx_config(upstream_port: int, port: int, tmp: Path, static_root: Path | None) -> Path:
    """deploy/nginx.conf's http block with this run's ports, temp paths and static folder
    (as tests/browser/test_letters_page.py's `deploy_config` does). Without `static_root`,
    its `location /static/` is left out: gzip on the fly only."""
    source = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    body = source.split("# --- begin: http block body", 1)[1].split("\n", 1)[1]
    body = body.replace("127.0.0.1:8501", f"127.0.0.1:{upstream_port}").replace("listen 8080;", f"listen 127.0.0.1:{port};")
    if static_root is None:
        start, end = "    # --- begin: static files", "    # --- end: static files\n"
        if start in body:
            body = body.split(start, 1)[0] + body.split(start, 1)[1].split(end, 1)[1]
    else:
        body = body.replace("/var/lib/mesdroits/static", str(static_root))
    temp = "".join(f"    {kind}_temp_path {tmp / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = (f"daemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\nevents {{}}\n"
              f"http {{\n    include /etc/nginx/mime.types;\n{temp}{body}\n}}\n")
    path = tmp / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    return path


def certificate(tmp: Path) -> tuple[Path, Path, str]:
    """A self-signed certificate for 127.0.0.1, and its key's SPKI digest: Chromium trusts
    it by that digest (`--ignore-certificate-errors-spki-list`), so that it caches what the
    page loads, as it does for a real certificate (never for a refused one)."""
    cert, key = tmp / "fullchain.pem", tmp / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout
    return cert, key, base64.b64encode(hashlib.sha256(der).digest()).decode()


def tls_config(upstream_port: int, port: int, tmp: Path, cert: Path, key: Path) -> Path:
    """deploy/nginx-tls.conf as the nginx image writes it (${HTTPS_PORT}), on this run's
    ports and certificate (as tests/test_deploy.py's `tls_config`)."""
    body = (ROOT / "deploy" / "nginx-tls.conf").read_text(encoding="utf-8")
    for old, new in {"${HTTPS_PORT}": str(port), "server app:8501;": f"server 127.0.0.1:{upstream_port};",
                     "listen 80;": f"listen 127.0.0.1:{free_port()};", "listen 443 ssl http2;": f"listen 127.0.0.1:{port} ssl http2;",
                     "/etc/nginx/tls/fullchain.pem": str(cert), "/etc/nginx/tls/privkey.pem": str(key),
                     "/var/www/acme": str(tmp / "acme")}.items():
        body = body.replace(old, new)
    body = re.sub(r"^\s*listen \[::\]:\d+.*\n", "", body, flags=re.M)
    temp = "".join(f"    {kind}_temp_path {tmp / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    path = tmp / "nginx.conf"
    path.write_text(f"daemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\nevents {{}}\n"
                    f"http {{\n    include /etc/nginx/mime.types;\n{temp}{body}\n}}\n", encoding="utf-8")
    return path


def start_nginx(upstream: str, tmp: Path, static_root: Path | None, tls: tuple[Path, Path] | None = None
                ) -> tuple[subprocess.Popen, str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    upstream_port = int(upstream.rsplit(":", 1)[1])
    config = tls_config(upstream_port, port, tmp, *tls) if tls else nginx_config(upstream_port, port, tmp, static_root)
    process = subprocess.Popen([nginx, "-c", str(config), "-p", str(tmp)], stdout=subprocess.DEVNULL)
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2, context=ssl._create_unverified_context()).read()
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"nginx did not start: {(tmp / 'error.log').read_text() if (tmp / 'error.log').exists() else ''}")


def visit(context, url: str) -> dict:
    """One visit in a new tab of `context`: seconds to the start screen and to the first
    question, bytes received and requests made (from DevTools' network events)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    seen = {"bytes": 0, "requests": 0, "cached": 0}
    kinds: dict[str, str] = {}
    by_kind: dict[str, int] = {}

    def finished(event: dict) -> None:
        seen["bytes"] += event["encodedDataLength"]
        kind = kinds.get(event["requestId"], "Other")
        by_kind[kind] = by_kind.get(kind, 0) + event["encodedDataLength"]

    cdp.on("Network.responseReceived", lambda event: kinds.__setitem__(event["requestId"], event["type"]))
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.requestWillBeSent", lambda _event: seen.__setitem__("requests", seen["requests"] + 1))
    cdp.on("Network.requestServedFromCache", lambda _event: seen.__setitem__("cached", seen["cached"] + 1))
    start = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=120_000)
    page.get_by_role("button", name="Commencer →").wait_for(timeout=120_000)
    start_screen = time.perf_counter() - start
    page.get_by_role("button", name="Commencer →").click()
    page.get_by_text("Étape 1 sur").wait_for(timeout=120_000)
    question = time.perf_counter() - start
    page.close()
    return {"start": start_screen, "question": question, **seen, "by_kind": by_kind}


def measure(browser, url: str, runs: int) -> dict[str, list[dict]]:
    visits: dict[str, list[dict]] = {"cold": [], "second": []}
    for _ in range(runs):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR",
                                      ignore_https_errors=False)
        visits["cold"].append(visit(context, url))
        visits["second"].append(visit(context, url))
        context.close()
    return visits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setups", nargs="+", choices=SETUPS, default=list(SETUPS))
    parser.add_argument("--runs", type=int, default=3, help="visits of each kind per setup (median shown)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tools.precompress_static import precompress

    with tempfile.TemporaryDirectory(prefix="mesdroits-phone-") as folder, sync_playwright() as playwright:
        tmp = Path(folder)
        servers, urls = start_servers(1, str(tmp), tmp)
        cert, key, spki = certificate(tmp)
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", f"--ignore-certificate-errors-spki-list={spki}"])
        try:
            urllib.request.urlopen(urls[0] + "/", timeout=30).read()   # warm: the first run imports the app
            for setup in args.setups:
                proxy, static_root = None, None
                url = urls[0]
                if setup != "streamlit":
                    if setup == "nginx-static":
                        static_root = Path(tempfile.mkdtemp(prefix="mesdroits-static-"))
                        static_root.chmod(0o755)   # nginx's workers (www-data) read it
                        precompress(static_root)
                    (tmp / setup).mkdir()
                    proxy, url = start_nginx(urls[0], tmp / setup, static_root,
                                             tls=(cert, key) if setup == "nginx-tls" else None)
                try:
                    measure(browser, url, 1)   # the app's first sessions warm its pages
                    for kind, found in measure(browser, url, args.runs).items():
                        pick = lambda key: statistics.median(v[key] for v in found)  # noqa: E731
                        print(f"{setup:>12} {kind:>6}: start screen {pick('start'):5.1f} s, first question "
                              f"{pick('question'):5.1f} s (aim {5 if kind == 'cold' else 2} s), "
                              f"{pick('bytes') / 1e6:.2f} MB received, {pick('requests'):.0f} requests "
                              f"({pick('cached'):.0f} from cache)  load1={os.getloadavg()[0]:.2f}", flush=True)
                        if kind == "cold":
                            kinds = sorted(found[0]["by_kind"].items(), key=lambda item: -item[1])
                            print(" " * 21 + "of which " + ", ".join(f"{k.lower()} {n / 1e6:.2f} MB" for k, n in kinds if n > 5000))
                finally:
                    if proxy:
                        proxy.terminate()
                        proxy.wait(timeout=10)
                    if static_root is not None:
                        shutil.rmtree(static_root)
        finally:
            browser.close()
            stop_servers(servers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
