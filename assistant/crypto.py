"""Sealing personal data at rest: names, addresses, file numbers and free text never sit
in the database in clear.

Fernet (`cryptography`, AES-128-CBC + HMAC-SHA256, authenticated): a token that was
tampered with does not open. The key comes from `MESDROITS_KEY` (several keys separated
by commas: the first seals, all open — how a key is rotated), else from a key file created
on first run next to the embedded database, readable by its owner only. The key never goes
into the database: a stolen database file or dump is unreadable without it. Losing the
key loses the data: back it up apart from the database (README).
"""

from __future__ import annotations

import json
import os
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEY_FILE_NAME = "mesdroits.key"


class SealError(RuntimeError):
    """The key is missing, malformed, or does not open what the database holds (French
    message for the operator: never a traceback with data in it)."""


def _key_file(folder: Path) -> Path:
    """The key file, created (0600, never overwritten) when it does not exist yet. Written
    whole under a temporary name, then linked into place: a process starting at the same
    moment finds either no key file or a complete one, never an empty one."""
    path = folder / KEY_FILE_NAME
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = folder / f".{KEY_FILE_NAME}.{os.getpid()}.{uuid.uuid4().hex}"
        descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(Fernet.generate_key())
        try:
            os.link(temporary, path)     # atomic, and refuses to replace a key made meanwhile
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path


def _keys(folder: Path) -> tuple[bytes, ...]:
    configured = os.environ.get("MESDROITS_KEY", "").strip()
    if configured:
        return tuple(k.strip().encode() for k in configured.split(",") if k.strip())
    return (_key_file(folder).read_bytes().strip(),)


class Sealer:
    """Seals JSON-ready values into text tokens and opens them again."""

    def __init__(self, keys: tuple[bytes, ...]):
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except (ValueError, TypeError) as error:
            raise SealError("clé de chiffrement invalide (MESDROITS_KEY ou fichier de clé) : "
                            "32 octets en base64 « urlsafe » attendus.") from error

    def seal(self, value: Any) -> Optional[str]:
        if value is None:
            return None
        return self._fernet.encrypt(json.dumps(value, ensure_ascii=False).encode("utf-8")).decode("ascii")

    def open(self, token: Optional[str]) -> Any:
        if token is None:
            return None
        try:
            return json.loads(self._fernet.decrypt(token.encode("ascii")))
        except InvalidToken as error:
            raise SealError("les données enregistrées ne s'ouvrent pas avec cette clé de chiffrement "
                            "(MESDROITS_KEY a changé ?).") from error


@lru_cache(maxsize=8)
def _sealer(keys: tuple[bytes, ...]) -> Sealer:
    return Sealer(keys)


def sealer(folder: Path) -> Sealer:
    """The sealer of this process's key (env first, else the key file in `folder`)."""
    return _sealer(_keys(folder))


def new_key() -> str:
    """A fresh key, e.g. for MESDROITS_KEY in a deployment's env file."""
    return Fernet.generate_key().decode("ascii")
