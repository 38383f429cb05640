"""French elision before a name: « Dossier d'Amina », « Dossier de Karim ».

The messages keep « de {name} » (one msgid per sentence); the elision is made when the name
is known. English messages hold no « de {name} » and pass unchanged.
"""

from __future__ import annotations

import unicodedata

# A first name starting with a vowel or an h (taken as mute: « d'Hélène », « d'Hugo »).
# « y » is left out: « de Yasmine », « de Yanis ».
_ELIDING = set("aeiouh")


def elides(word: str) -> bool:
    """True when French writes « d' » before `word` (a vowel or mute h, accents aside)."""
    first = unicodedata.normalize("NFKD", word.lstrip("\\*_ "))[:1].casefold()
    return first in _ELIDING or first in ("œ", "æ")


def with_name(message: str, name: str, **values: str) -> str:
    """`message.format(name=name, …)`, with « de {name} » elided as French writes it."""
    if elides(name):
        message = message.replace("de {name}", "d'{name}").replace("De {name}", "D'{name}")
    return message.format(name=name, **values)
