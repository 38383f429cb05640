"""PDF of the letters, two engines.

- **Typst** (`render_pdf`, `render_pdf_many`, `render_guide_pdf`): the letter data model
  typeset in process by the `typst` wheel (`typeset.py`), a few milliseconds a letter and
  no process start. The app and `python -m assistant letters` use it: the first PDF in the
  app costs ~40 ms instead of ~3 s for a cold LibreOffice (see `bench/letters.py`).
- **LibreOffice** (`to_pdf`): converts DOCX files, e.g. a letter a person edited in Word.

LibreOffice headless: one `soffice` process converts a whole batch.
Starting LibreOffice costs seconds; converting one more letter costs a fraction of that.
So every call converts all its files in one `soffice --convert-to pdf` run (two runs in
parallel for big batches, one per core), each with a private, throw-away profile so that
concurrent calls (tests, app users) never share LibreOffice's lock files. A run that
crashes (a signal: SIGABRT was seen on a first start with a new profile) is run once more
with another fresh profile.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assistant.core import logs

# The letters carry personal data: keep their transient files in memory when the
# machine offers a RAM-backed folder, so that nothing personal touches the disk.
def _ram_folder(path: str = "/dev/shm", needed: int = 512 * 2**20) -> str | None:
    if not os.access(path, os.W_OK):
        return None
    stats = os.statvfs(path)
    return path if stats.f_bavail * stats.f_frsize >= needed else None


_PRIVATE_TMP = _ram_folder()


class PdfUnavailable(RuntimeError):
    """LibreOffice is missing or failed: the DOCX files are still usable."""


SOFFICE_CANDIDATES = ("soffice", "libreoffice")
INSTALL_HINT = ("LibreOffice n'est pas installé : les courriers sont disponibles en DOCX (Word, LibreOffice), "
                "mais pas en PDF. Installez-le avec « sudo apt-get install libreoffice-writer-nogui ».")
# Above this many files, split the batch over two soffice processes (the machine has 2 cores).
PARALLEL_THRESHOLD = 24
# LibreOffice 7.4 silently stops after about 250 documents in one command line (exit 0):
# long batches are cut into runs of this size.
BATCH_SIZE = 200


# Transient folders are named « mesdroits-<pid>-… »: a process killed mid-conversion
# (kill -9 skips every cleanup) leaves one behind, and the next conversion removes it.
TRANSIENT = "mesdroits-"
PGID_FILE = "soffice.pgid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_group(pgid: int, wait: float = 2.0) -> None:
    """SIGKILL a process group and wait (a little) until none of it is left: SIGKILL is
    delivered asynchronously, and a folder removed under a live process can come back."""
    os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except OSError:
            return
        time.sleep(0.02)


def sweep_transient() -> list[str]:
    """Remove the transient folders of conversions whose process is gone."""
    removed = []
    for folder in {d for d in (_PRIVATE_TMP, tempfile.gettempdir()) if d}:
        for entry in Path(folder).glob(f"{TRANSIENT}*"):
            pid = entry.name[len(TRANSIENT):].split("-", 1)[0]
            if entry.is_dir() and not entry.is_symlink() and pid.isdigit() and not _alive(int(pid)):
                try:   # another sweeper (a conversion of another process) may be removing it
                    pgid_files = list(entry.rglob(PGID_FILE))
                except OSError:
                    pgid_files = []
                for pgid_file in pgid_files:   # a LibreOffice left running: stop it first
                    try:
                        _kill_group(int(pgid_file.read_text(encoding="ascii")))
                    except (OSError, ValueError):
                        pass
                # A dying LibreOffice may still write in its profile while it is removed (seen
                # once in CI on a loaded machine): a second pass takes what the first missed.
                for _ in range(3):
                    shutil.rmtree(entry, ignore_errors=True)
                    if not entry.exists():
                        break
                    time.sleep(0.1)
                removed.append(entry.name)
    return removed


def find_soffice() -> str:
    for name in SOFFICE_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise PdfUnavailable(INSTALL_HINT)


def _safe_name(name: str) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(name).stem) or "courrier"
    return stem


def _run_soffice(soffice: str, profile: str, sources: list[Path], out_dir: Path, timeout: float) -> None:
    command = [
        soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
        "--nologo", "--norestore", "--nodefault", "--nolockcheck",
        "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir), *map(str, sources),
    ]
    env = {**os.environ, "HOME": profile, "SAL_USE_VCLPLUGIN": "svp"}
    # Its own process group: on a time-out the whole group goes (soffice starts soffice.bin,
    # which a plain kill of the wrapper would leave running with the letters open).
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    # Written down so that, if this process is killed, the next sweep can stop that group.
    (Path(profile) / PGID_FILE).write_text(str(process.pid), encoding="ascii")
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise PdfUnavailable("LibreOffice n'a pas terminé la conversion en PDF à temps ; les DOCX restent utilisables.") from None
    if process.returncode != 0:
        crash = _signal_of(process.returncode, stderr)
        if crash:
            raise SofficeCrashed(crash, f"LibreOffice s'est arrêté brutalement (signal {crash}).")
        raise PdfUnavailable(f"LibreOffice a échoué (code {process.returncode}) : {stderr.strip()[:500]}")


class SofficeCrashed(PdfUnavailable):
    """soffice died of a signal (seen with SIGABRT on a first start with a new profile)."""

    def __init__(self, signal_number: int, message: str) -> None:
        super().__init__(message)
        self.signal = signal_number


_FATAL = re.compile(r"Fatal exception: Signal (\d+)")


def _signal_of(returncode: int, stderr: str) -> int | None:
    """The signal that ended soffice: a negative code (killed), a shell's 128 + n, or
    LibreOffice's own « Fatal exception: Signal n »."""
    if returncode < 0:
        return -returncode
    if 128 < returncode < 128 + 65:
        return returncode - 128
    found = _FATAL.search(stderr or "")
    return int(found.group(1)) if found else None


def _run_fresh_on_crash(soffice: str, folder: Path, profile: Path, sources: list[Path], out_dir: Path,
                        timeout: float) -> Path:
    """One soffice run; if it crashes, once more with a new profile (a half-made first-start
    profile may crash it again). Returns the profile to go on with."""
    try:
        _run_soffice(soffice, str(profile), sources, out_dir, timeout)
        return profile
    except SofficeCrashed as crash:
        logs.event("soffice_crashed", logging.WARNING, source="letters", signal=crash.signal, attempt=1)
        fresh = Path(tempfile.mkdtemp(prefix="profile-", dir=folder))
        _run_soffice(soffice, str(fresh), sources, out_dir, timeout)
        return fresh


def _convert_batch(soffice: str, sources: list[Path], out_dir: Path, timeout: float) -> None:
    """One worker: its files in runs of BATCH_SIZE, one private profile reused between runs
    (a fresh one after a crash), then one retry for anything LibreOffice silently skipped."""
    with tempfile.TemporaryDirectory(prefix=f"{TRANSIENT}{os.getpid()}-lo-") as folder:
        profile = Path(tempfile.mkdtemp(prefix="profile-", dir=folder))
        for start in range(0, len(sources), BATCH_SIZE):
            profile = _run_fresh_on_crash(soffice, Path(folder), profile, sources[start:start + BATCH_SIZE], out_dir, timeout)
        missing = [s for s in sources if not (out_dir / (s.stem + ".pdf")).exists()]
        for start in range(0, len(missing), BATCH_SIZE):
            profile = _run_fresh_on_crash(soffice, Path(folder), profile, missing[start:start + BATCH_SIZE], out_dir, timeout)


def to_pdf(docx_files: dict[str, bytes], timeout: float = 600, workers: int | None = None) -> dict[str, bytes]:
    """{name.docx: bytes} → {name.pdf: bytes}. Raises PdfUnavailable (French message)."""
    if not docx_files:
        return {}
    sweep_transient()
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix=f"{TRANSIENT}{os.getpid()}-pdf-", dir=_PRIVATE_TMP) as tmp:
        root = Path(tmp)
        src_dir, out_dir = root / "in", root / "out"
        src_dir.mkdir()
        out_dir.mkdir()
        names: dict[str, Path] = {}
        for index, (name, content) in enumerate(docx_files.items()):
            # Unique, shell- and LibreOffice-safe file names; the caller's names come back.
            path = src_dir / f"{index:05d}_{_safe_name(name)}.docx"
            path.write_bytes(content)
            names[name] = path
        sources = list(names.values())
        if workers is None:
            workers = 2 if len(sources) >= PARALLEL_THRESHOLD else 1
        size = -(-len(sources) // workers)
        chunks = [sources[i:i + size] for i in range(0, len(sources), size)]
        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            list(pool.map(lambda chunk: _convert_batch(soffice, chunk, out_dir, timeout), chunks))
        result: dict[str, bytes] = {}
        missing = []
        for name, path in names.items():
            pdf = out_dir / (path.stem + ".pdf")
            if not pdf.exists():
                missing.append(name)
                continue
            result[str(Path(name).with_suffix(".pdf"))] = pdf.read_bytes()
        if missing:
            raise PdfUnavailable(f"LibreOffice n'a pas pu convertir : {', '.join(missing)}.")
        return result


# --- Typst: the letter model, typeset in process ---------------------------------------


def _typst_failure(error: Exception) -> PdfUnavailable:
    return PdfUnavailable(f"Le PDF n'a pas pu être composé ({type(error).__name__}) ; les DOCX restent utilisables.")


def render_pdf_many(letters: list, workers: int | None = None) -> list[bytes]:
    """Letters → PDF bytes, in order, with exactly the text of their DOCX. Raises PdfUnavailable."""
    from assistant.letters import typeset

    try:
        return typeset.letters_pdf(letters, workers=workers)
    except typeset.TypstUnavailable as error:
        raise PdfUnavailable(str(error)) from error
    except Exception as error:  # a compile error is our bug, but the person keeps the DOCX
        raise _typst_failure(error) from error


def render_pdf(letter) -> bytes:
    return render_pdf_many([letter], workers=1)[0]


def render_guide_pdf(letters: list, context: dict | None = None) -> bytes:
    """The « what to do next » sheet as PDF (`context`: another language's guide)."""
    from assistant.letters import typeset

    try:
        return typeset.guide_pdf(list(letters), context)
    except typeset.TypstUnavailable as error:
        raise PdfUnavailable(str(error)) from error
    except Exception as error:
        raise _typst_failure(error) from error
