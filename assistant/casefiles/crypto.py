"""Sealing personal data at rest: names, addresses, file numbers and free text never sit
in the database in clear.

Fernet (`cryptography`, AES-128-CBC + HMAC-SHA256, authenticated): a token that was
tampered with does not open. The key comes from `MESDROITS_KEY` (several keys separated
by commas: the first seals, all open — how a key is rotated), else from the file
`MESDROITS_KEY_FILE` names (a Docker secret; same format, commas or one key a line), else from a key file created
next to the embedded database, readable by its owner only — and only while the database
holds no sealed data (`sealer_for`): a new key beside data sealed with a lost one would
hide the loss and split the data between two keys. The key never goes into the database,
only its fingerprint: a stolen database file or dump is unreadable without it. Losing the
key loses the data: back it up apart from the database (README).
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEY_FILE_NAME = "mesdroits.key"


class SealError(RuntimeError):
    """The key is missing, malformed, or does not open what the database holds (French
    message for the operator: never a traceback with data in it)."""


def fingerprint(key: bytes) -> str:
    """A key's public name (8 hex digits of its SHA-256): says which key is which in a
    message or in the database without revealing it."""
    return hashlib.sha256(key.strip()).hexdigest()[:8]


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


def _split(text: str) -> tuple[bytes, ...]:
    """Keys separated by commas or line breaks (the first seals, all open)."""
    return tuple(k.strip().encode() for k in text.replace("\n", ",").split(",") if k.strip())


def _key_from_file(variable: str) -> tuple[bytes, ...]:
    """The keys of the file named by `variable` (a Docker secret, /run/secrets/…): a
    missing, unreadable or empty file is the operator's to fix, said in French."""
    path = Path(os.environ[variable])
    try:
        keys = _split(path.read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "pas du texte"
        raise SealError(f"{variable} : le fichier de clé {path} ne se lit pas ({reason}).") from None
    if not keys:
        raise SealError(f"{variable} : le fichier de clé {path} est vide.")
    return keys


def configured_keys(folder: Path) -> Optional[tuple[bytes, ...]]:
    """The keys of `MESDROITS_KEY`, else of the file `MESDROITS_KEY_FILE` names (a Docker
    secret: the key then stays out of the environment and of `docker inspect`), else of the
    key file in `folder`; None when there is none (nothing is created here)."""
    configured = os.environ.get("MESDROITS_KEY", "").strip()
    if configured:
        return _split(configured)
    if os.environ.get("MESDROITS_KEY_FILE", "").strip():
        return _key_from_file("MESDROITS_KEY_FILE")
    path = folder / KEY_FILE_NAME
    return (path.read_bytes().strip(),) if path.exists() else None


def _keys(folder: Path) -> tuple[bytes, ...]:
    return configured_keys(folder) or (_key_file(folder).read_bytes().strip(),)


class Sealer:
    """Seals JSON-ready values into text tokens and opens them again."""

    def __init__(self, keys: tuple[bytes, ...]):
        try:
            self._keys = [Fernet(k) for k in keys]
            self._fernet = MultiFernet(self._keys)
        except (ValueError, TypeError) as error:
            raise SealError("clé de chiffrement invalide (MESDROITS_KEY ou fichier de clé) : "
                            "32 octets en base64 « urlsafe » attendus.") from error
        self.fingerprints: tuple[str, ...] = tuple(fingerprint(k) for k in keys)   # the first seals

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

    def opener(self, token: str) -> Optional[str]:
        """The fingerprint of the configured key that opens `token`, None if none does."""
        for key, name in zip(self._keys, self.fingerprints):
            try:
                key.decrypt(token.encode("ascii"))
                return name
            except InvalidToken:
                continue
        return None

    def reseal(self, token: Optional[str]) -> Optional[str]:
        """The same value sealed again under the sealing (first) key, for `cases rekey`."""
        if token is None:
            return None
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken as error:
            raise SealError("une donnée enregistrée ne s'ouvre avec aucune des clés de chiffrement "
                            "configurées (MESDROITS_KEY).") from error


@lru_cache(maxsize=8)
def _sealer(keys: tuple[bytes, ...]) -> Sealer:
    return Sealer(keys)


def sealer(folder: Path) -> Sealer:
    """The sealer of this process's key (env first, else the key file in `folder`, created
    if missing). Beside a database, use `sealer_for`, which never creates a key next to
    sealed data."""
    return _sealer(_keys(folder))


def sealer_for(folder: Path, samples: Iterable[str], expected: Iterable[str] = (),
               given: Optional[Sealer] = None) -> Sealer:
    """The sealer for a database (`given`, else the configured keys): `samples` are a few of
    its sealed values (none when it holds no sealed data), `expected` the fingerprints of the
    keys recorded as having sealed them. A key file is created only when there is no sealed
    data; when the keys do not open every sample, SealError says which key is expected and
    how to restore it."""
    samples = list(samples)
    keys = configured_keys(folder)
    if given is None and keys is None:
        if samples:
            raise SealError(_restore_message(folder, _expected(expected, ()), (
                f"aucune clé de chiffrement : ni MESDROITS_KEY ni le fichier de clé {folder / KEY_FILE_NAME}, "
                "alors que la base contient des données scellées. Aucune nouvelle clé n'a été créée (elle "
                "ne les ouvrirait pas).")))
        keys = _keys(folder)
    found = given or _sealer(keys)
    if any(found.opener(token) is None for token in samples):
        source = ("la clé donnée au programme" if given else "MESDROITS_KEY"
                  if os.environ.get("MESDROITS_KEY", "").strip() else
                  f"MESDROITS_KEY_FILE ({os.environ['MESDROITS_KEY_FILE'].strip()})"
                  if os.environ.get("MESDROITS_KEY_FILE", "").strip() else f"le fichier {folder / KEY_FILE_NAME}")
        raise SealError(_restore_message(folder, _expected(expected, found.fingerprints), (
            f"la clé de chiffrement configurée ({source}, empreinte {', '.join(found.fingerprints)}) "
            "n'ouvre pas les données enregistrées.")))
    return found


def _expected(recorded: Iterable[str], configured: tuple[str, ...]) -> list[str]:
    return [name for name in dict.fromkeys(recorded) if name not in configured]


def _restore_message(folder: Path, expected: list[str], problem: str) -> str:
    which = (f"Clé attendue : empreinte {' ou '.join(expected)}" if expected
             else "Clé attendue : celle qui a scellé ces données (empreinte non notée dans la base)")
    return (f"{problem} {which}. Remettez en place le fichier de clé sauvegardé ({folder / KEY_FILE_NAME}) "
            "ou définissez MESDROITS_KEY avec cette clé, ou MESDROITS_KEY_FILE avec le fichier qui la contient "
            "(plusieurs clés séparées par des virgules : la "
            "première scelle, toutes ouvrent), puis relancez. L'empreinte d'une clé : les 8 premiers "
            "caractères hexadécimaux de son SHA-256.")


def new_key() -> str:
    """A fresh key, e.g. for MESDROITS_KEY in a deployment's env file."""
    return Fernet.generate_key().decode("ascii")
