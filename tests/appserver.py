"""A real `streamlit run assistant/app.py` on a free port, ready once its health endpoint
answers: the one way the browser tests, the fault tests and `bench/load.py` start the app
(the same options as `make run`, minus what only a person's browser needs)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Optional, Union

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = ("--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal")


class DidNotStart(RuntimeError):
    """The server exited or did not answer `/_stcore/health` in time (its log says why)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(port: int, *options: str, env: Optional[dict] = None,
           output: Union[Path, IO[bytes], int] = subprocess.DEVNULL) -> subprocess.Popen:
    """Start the process (without waiting): `options` are extra `streamlit run` options,
    `output` a log file's path, an open file or subprocess.DEVNULL."""
    log = output.open("wb") if isinstance(output, Path) else output
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "assistant/app.py", "--server.port", str(port), *OPTIONS,
             *options], cwd=ROOT, env=env if env is not None else dict(os.environ), stdout=log,
            stderr=subprocess.STDOUT)
    finally:
        if isinstance(output, Path):
            log.close()      # the child keeps its own descriptor


def wait_healthy(process: subprocess.Popen, url: str, timeout: float = 90) -> None:
    """Return once `url`'s health endpoint says ok; DidNotStart (the process killed) when it
    exits first or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise DidNotStart(f"streamlit did not start on {url}")
        time.sleep(0.3)


def start(port: Optional[int] = None, *options: str, env: Optional[dict] = None,
          output: Union[Path, IO[bytes], int] = subprocess.DEVNULL,
          timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """`launch` then `wait_healthy`: the process and its URL."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    process = launch(port, *options, env=env, output=output)
    wait_healthy(process, url, timeout)
    return process, url


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL if it lingers."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
