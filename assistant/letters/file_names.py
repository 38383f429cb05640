"""File names people read: short French words for each letter, ASCII, no id of the code.

One place for the app's downloads and the case file's copy (« recours », not « appeal »).
"""

from __future__ import annotations

import re
import unicodedata

# Short, recognisable names for the files (French, like the letters); others: the title.
FILE_WORDS = {
    "appeal": "recours", "explanation_request": "demande-explication", "document_access": "demande-dossier",
    "reminder": "relance", "cada_referral": "saisine-cada", "cnil_complaint": "plainte-cnil",
    "mediator_referral": "saisine-mediateur", "defenseur_referral": "saisine-defenseur-des-droits",
    "debt_remission_request": "demande-remise-de-dette", "mandate": "mandat",
}
# The « what to do next » sheet that goes with the letters.
GUIDE_WORD = "comment-envoyer"


def slug(text: str, limit: int = 40) -> str:
    """ASCII file-name part: « Ben Ali-Épée » → « ben-ali-epee »."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def letter_word(letter_id: str, title: str = "") -> str:
    """« recours » for `appeal`; a letter without its word: its title, slugged."""
    return FILE_WORDS.get(letter_id) or slug(title) or letter_id
