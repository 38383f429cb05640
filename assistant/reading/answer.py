"""A body's answer to one of our letters → the answer kind of the follow-up diagnosis.

The kinds are those of assistant.casefiles.followup.AnswerKind, read as its questions ask
them: does the body withdraw its decision, say it is not the right body, ask for a document
(an identity document) first, only ask for more time, give what was asked (all, part,
nothing) and, when it refuses, state the facts and the legal texts. The cues are data
(patterns.yaml `answers`); an answer with the cues of two kinds is left unanswered.
"""
from __future__ import annotations

import re

from assistant.casefiles.followup import AnswerKind
from assistant.reading.model import CONFIDENCE_THRESHOLD, Proposal
from assistant.reading.text import Hit, Letter, compiled, fold, patterns

FIELD = "answer.kind"


def _spans(letter: Letter, kind: str) -> list[tuple[int, int]]:
    """Where the cues of `kind` (patterns.yaml `answers`) are in the flat text, in order."""
    return sorted({(m.start(), m.end()) for regex in patterns()["answers"][kind]
                   for m in compiled(regex).finditer(letter.flat_folded)})


# The sentences whose cues of a kind are set aside (patterns.yaml lists): a refusal or a restriction
# said on a condition (« … qu'après vérification de votre identité »: what the body waits for); a
# refusal recalled while the answer explains it (« C'est pour ce seul motif que votre demande a été
# rejetée »), or supposed in the appeal route (« Si la commission rejette votre recours … »); a part
# kept for another's sake (« … ne peuvent être communiquées qu'à lui-même »); a
# time promised once the asked pieces arrive (« Dès réception des pièces, une réponse … dans un mois »);
# an identity already checked; a general leaflet sent along.
_SET_ASIDE = {"refusal": ("answer_conditional", "answer_recalled", "answer_supposed"),
              "partial": ("answer_conditional", "answer_third_party_only"),
              "asks_more_time": ("answer_after_documents",),
              "asks_identity": ("answer_identity_checked",),
              "complete": ("answer_leaflet",)}


def _cue(letter: Letter, kind: str) -> Hit | None:
    """The first cue of `kind` outside the sentences `_SET_ASIDE` names for it."""
    found = [f for f in _spans(letter, kind) if not any(letter.sentence_has(name, f[0]) for name in _SET_ASIDE.get(kind, ()))]
    if kind == "complete":  # « … pas en mesure de faire droit à votre demande »: inside a refusal
        found = [f for f in found if not any(a < f[1] and f[0] < b for a, b in _spans(letter, "refusal"))]
    return Hit(found[0][0], found[0][1], letter.evidence(*found[0])) if found else None


# A sentence that gives a refusal's rule (« L'article 12, paragraphe 5, du RGPD permet … de refuser
# de donner suite aux demandes manifestement infondées ou excessives »): its text is a ground, even
# where it names the data-protection law a notice also names.
_REFUSAL_RULE = re.compile(r"\b(?:refus\w*|rejet\w*|manifestement infondee?s?|excessi(?:f|ve)s?)\b")


def _reasons(letter: Letter) -> tuple[bool, bool]:
    """(a text cited outside the appeal passages and the personal-data notice, a fact stated):
    the two halves of reasons. A text cited only after the closing formula is an enclosure's (a
    leaflet's « prévue par l'article L. 815-1 »), not the answer's."""
    closing = letter.any("closing")
    ground = next((h for h in letter.find("legal_ground") if not letter.sentence_has("answer_not_grounds", h.start)
                   and (closing is None or h.start < closing.start)
                   and (not letter.sentence_has("privacy", h.start)
                        or _REFUSAL_RULE.search(letter.flat_folded[slice(*letter.sentence_of(h.start))]))), None)
    return ground is not None, letter.any("facts") is not None


# A form's option line: a mark (a box, ticked or not, as printed or as OCR reads it) then the
# option's words. An empty box is « ☐ », « [ ] », or OCR's « O », « CO », « 0 »; any other mark
# of up to three signs is a ticked one (« X », « ☒ », OCR's « & »).
_MARKED = re.compile(r"^\s*(?P<mark>\[\s*[xX✓✔]?\s*\]|[^\w\s]{1,3}|[xXoO0]|CO|C0)\s+(?=[^\W\d_])")
_EMPTY_MARKS = frozenset({"☐", "□", "○", "o", "O", "0", "CO", "C0", "[]"})
_TICKED_BOXES = frozenset({"☒", "☑", "✓", "✔", "[x]", "[X]", "&", "X", "x"})   # a box ticked, as printed or read (« & »)


def _sign(line: str) -> str | None:
    """The mark opening a line, its spaces removed (« [ x ] » → « [x] »), or None."""
    m = _MARKED.match(line)
    return re.sub(r"\s", "", m.group("mark")) if m else None


def _mark(line: str) -> str | None:
    """« empty », « ticked », or None for a line with no mark."""
    sign = _sign(line)
    return None if sign is None else "empty" if sign in _EMPTY_MARKS else "ticked"


def _opening(line: str) -> str:
    return " ".join(fold(_MARKED.sub("", line)).split()[:2])


def _ticked_only(text: str) -> str:
    """A pre-printed form's options (lines, blank ones between them allowed, that open with the
    same two words, « Votre demande … », one at least with a mark, or three of them): only the
    ticked one is the answer. When no mark reads as ticked (OCR lost it), or several do, every
    option is dropped: what the body chose is then the person's to say."""
    lines = text.split("\n")
    drop: set[int] = set()
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        group, j, opening = [i], i + 1, _opening(lines[i])
        while j < len(lines):
            if not lines[j].strip():
                j += 1
                continue
            if _opening(lines[j]) != opening:
                break
            group.append(j)
            j += 1
        marks = [_mark(lines[k]) for k in group]
        if len(group) >= 2 and (any(marks) or len(group) >= 3):   # three alike: a form's boxes OCR lost
            ticked = [k for k, mark in zip(group, marks) if mark == "ticked"]
            drop |= set(group) - (set(ticked) if len(ticked) == 1 else set())
        i = group[-1] + 1
    # a form's boxes not in one run (« ☒ Votre demande est incomplète », its pieces, then « ☐ Le délai
    # est prolongé », « ☐ Votre demande est complète »): a box left empty where others are ticked
    # is an option the body did not choose
    signs = {k: sign for k, line in enumerate(lines) if (sign := _sign(line)) is not None}
    if any(sign in _TICKED_BOXES for sign in signs.values()):
        drop |= {k for k, sign in signs.items() if sign in _EMPTY_MARKS}
    return "\n".join(line for k, line in enumerate(lines) if k not in drop) if drop else text


def read_answer(text: str) -> dict[str, Proposal]:
    """{"answer.kind": Proposal} when one kind is read with confidence >= CONFIDENCE_THRESHOLD, else {}."""
    letter = Letter(_ticked_only(text))
    hits = {kind: hit for kind in patterns()["answers"] if (hit := _cue(letter, kind))}
    # An answer that refuses part of what was asked is partial, whatever it refuses with; one
    # that sends documents and refuses another (« ci-joint la copie … ; le rapport ne peut pas
    # vous être transmis ») too.
    if "partial" in hits and set(hits) <= {"partial", "refusal", "complete"}:
        return _keep(AnswerKind.partial, hits["partial"], 0.85)
    if set(hits) == {"refusal", "complete"}:
        return _keep(AnswerKind.partial, hits["refusal"], 0.82)
    if set(hits) == {"withdrawn", "complete"}:
        # « il est fait droit à votre recours : la décision du 18 juin 2026 est retirée »: the
        # appeal granted is the decision withdrawn
        return _keep(AnswerKind.withdrawn, hits["withdrawn"], 0.86)
    if len(hits) != 1:
        return {}
    kind, hit = next(iter(hits.items()))
    if kind == "complete" and letter.any("answer_restricted_fuzzy") and not letter.any("answer_complete_whole"):
        return {}  # « … ont été occult6s »: a restriction misread may make a partial answer look complete
    if kind != "refusal":
        return _keep(AnswerKind(kind), hit, 0.88)
    ground, fact = _reasons(letter)
    if ground:  # the text applied, with the facts it names (« mettant en cause des tiers »)
        return _keep(AnswerKind.refusal_with_reasons, hit, 0.88 if fact else 0.84)
    if not ground and not fact:
        return _keep(AnswerKind.refusal_without_reasons, hit, 0.85 if letter.complete else 0.7)
    if letter.any("answer_reasoned"):
        # a commission's decision in its form (« Motifs. La commission … relève que … », « Par ces
        # motifs, la commission rejette … »): facts and the rule in words, its reasons
        return _keep(AnswerKind.refusal_with_reasons, hit, 0.84)
    return {}


def _keep(kind: AnswerKind, hit: Hit, confidence: float) -> dict[str, Proposal]:
    if confidence < CONFIDENCE_THRESHOLD:
        return {}
    return {FIELD: Proposal(value=kind.value, evidence=hit.evidence, confidence=confidence)}
