"""What a letter is once built: plain data, rendered to DOCX/PDF elsewhere."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

REGISTERED_LINE = "Lettre recommandée avec accusé de réception"


class LetterError(ValueError):
    """A letter request that cannot be honoured; the message is French, for the person."""


class UnknownLetter(LetterError):
    """A letter id that is not in the catalogue (e.g. a typo after --only)."""


class LetterNotApplicable(LetterError):
    """A known letter that this case does not support (the analysis did not find its right)."""


class Paragraph(BaseModel):
    model_config = ConfigDict(frozen=True)
    key: str
    text: str
    cites: list[str]
    because: list[str]


class SendingGuide(BaseModel):
    """What to do with one letter, in plain French."""

    model_config = ConfigDict(frozen=True)
    to_whom: str
    how: str
    enclose: list[str]
    keep: str
    answer: str
    to_complete: list[str]
    notes: list[str] = []   # the engine's warnings about the route, each with its texts
    dates: list[str] = []   # other dates still ahead (court limit, correction window…)
    cites: list[str] = []   # every legal_refs id the guide cites (tests check them)

    def plain_text(self) -> str:
        lines = [f"À qui : {self.to_whom}", f"Comment : {self.how}"]
        if self.to_complete:
            lines.append("À compléter avant l'envoi : " + " ; ".join(self.to_complete))
        if self.enclose:
            lines.append("À joindre : " + " ; ".join(self.enclose))
        lines += [f"À garder : {self.keep}", f"Ensuite : {self.answer}"]
        lines += [f"À savoir : {note}" for note in self.notes]
        lines += [f"À retenir : {date}" for date in self.dates]
        return "\n".join(lines)


class Letter(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    title: str
    explanation: str
    subject: str
    sender: list[str]
    recipient: list[str]
    place_date: str
    references: list[str]
    registered: bool
    salutation: str
    paragraphs: list[Paragraph]
    closing: str
    enclosures: list[str]
    signature: str
    guide: SendingGuide

    @property
    def cites(self) -> list[str]:
        return list(dict.fromkeys(c for p in self.paragraphs for c in p.cites))

    def plain_text(self) -> str:
        """The letter as one text, in the order of the printed layout."""
        blocks = ["\n".join(self.sender), "\n".join(self.recipient), self.place_date]
        if self.registered:
            blocks.append(REGISTERED_LINE)
        if self.references:
            blocks.append("\n".join(self.references))
        blocks += [f"Objet : {self.subject}", self.salutation, *(p.text for p in self.paragraphs),
                   self.closing, self.signature]
        if self.enclosures:
            blocks.append("Pièces jointes :\n" + "\n".join(f"{i}. {e}" for i, e in enumerate(self.enclosures, 1)))
        return "\n\n".join(blocks)
