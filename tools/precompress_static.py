"""Streamlit's static files (its JS, CSS, fonts) copied to a folder nginx serves, with a
gzip copy (level 9) of each compressible one beside it: nginx's `gzip_static` sends it as is,
instead of compressing the same bundle again on every request (deploy/nginx.conf,
`location /static/`). Streamlit itself sends them uncompressed whatever its settings (1.67:
its gzip middleware skips /static/ on purpose), with a year's cache for the hashed names.

    python tools/precompress_static.py [FOLDER]      # default /var/lib/mesdroits/static; `make static`

Run it again after a Streamlit upgrade (new file names): until then nginx asks Streamlit for
the files it does not have. Brotli copies (`.br`) too when the `brotli` module is installed
(nginx then needs the brotli_static module, which Debian's nginx lacks).
"""

from __future__ import annotations

import gzip
import shutil
import sys
from pathlib import Path

import streamlit

DEFAULT = Path("/var/lib/mesdroits/static")
COMPRESSIBLE = {".js", ".css", ".json", ".svg", ".html", ".txt", ".ttf", ".otf", ".wasm", ".mjs"}
MIN_BYTES = 1024


def precompress(folder: Path) -> tuple[int, int, int]:
    """Copy Streamlit's `static/` tree under `folder/static/` and write the `.gz` (and `.br`)
    copies. Returns (files compressed, bytes before, bytes after)."""
    source = Path(streamlit.__file__).parent / "static" / "static"
    target = folder / "static"
    shutil.copytree(source, target, dirs_exist_ok=True)
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        brotli = None
    count = before = after = 0
    for path in sorted(target.rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE or path.stat().st_size < MIN_BYTES:
            continue
        data = path.read_bytes()
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        if len(packed) >= len(data):
            continue
        _write(path.with_name(path.name + ".gz"), packed)
        if brotli is not None:
            _write(path.with_name(path.name + ".br"), brotli.compress(data, quality=11))
        count, before, after = count + 1, before + len(data), after + len(packed)
    return count, before, after


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: nginx never sends a half-written file."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    count, before, after = precompress(folder)
    print(f"{folder}/static: {count} fichiers compressés, {before / 1e6:.1f} Mo → {after / 1e6:.1f} Mo (gzip -9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
