"""The person's copy of a case file: everything we hold, as JSON-ready data or as one ZIP
with every stored letter as DOCX, with the analysis and the follow-up steps of today."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from assistant.casefiles.followup import ladder, ladder_events
from assistant.casefiles.store import Store, StoredLetter
from assistant.law.analysis import analyse
from assistant.letters.file_names import letter_word

# The letter's status in the copy's file names, in French like the rest of the copy.
STATUS_WORDS = {"draft": "brouillon", "in_review": "en-relecture", "approved": "approuve", "sent": "envoye",
                "superseded": "remplace"}


def export_case(store: Store, case_id: str, actor: Any = None) -> dict[str, Any]:
    """Everything we hold about a case, as JSON-ready data (audited as an export)."""
    store.require(actor, "case.export")
    saved = store.get(case_id, actor)
    letters = store.letters(case_id, actor)
    consents = store.consents(case_id, actor)
    with store.write() as session:
        store.audit(session, actor, "case.export", case_id)
    sent, answers = ladder_events(saved.events)
    return {
        "id": saved.id,
        "created_at": saved.created_at.isoformat(),
        "updated_at": saved.updated_at.isoformat(),
        "status": saved.status,
        "case": saved.case.model_dump(mode="json"),
        "events": [e.model_dump(mode="json") for e in saved.events],
        "letters": [letter.model_dump(mode="json") for letter in letters],
        "consents": [c.model_dump(mode="json") for c in consents],
        "analysis": analyse(saved.case).to_json_dict(),
        "next_steps": [s.model_dump(mode="json") for s in ladder(saved.case, sent, answers)],
    }


def export_zip(store: Store, case_id: str, actor: Any = None) -> bytes:
    """The person's copy as one ZIP: `dossier.json` and every stored letter as DOCX,
    exactly as it was generated or sent."""
    from assistant.letters.models import Letter
    from assistant.letters.render import render_docx_many   # only when a copy is asked for

    data = export_case(store, case_id, actor)
    stored = [StoredLetter.model_validate(item) for item in data["letters"]]
    documents = render_docx_many([Letter.model_validate(s.letter) for s in stored]) if stored else []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dossier.json", json.dumps(data, ensure_ascii=False, indent=2))
        for item, document in zip(stored, documents):
            title = str(item.letter.get("title", ""))
            archive.writestr(f"courriers/{letter_word(item.letter_id, title)}-v{item.number}-{STATUS_WORDS.get(item.status, item.status)}.docx",
                             document)
    return buffer.getvalue()
