"""The positive one-language check (tests/one_language.py) on known texts: what it must refuse
(Streamlit's English on a French page, a sentence of the other language) and what it must let
through (a message with its values filled in, a piece of a message cut by markdown)."""

from __future__ import annotations

import pytest

from tests.one_language import FORMATTED, AllowList, Catalogue, catalogue, plain


@pytest.fixture(scope="module")
def french() -> Catalogue:
    return catalogue("fr")


@pytest.fixture(scope="module")
def english() -> Catalogue:
    return catalogue("en")


@pytest.mark.parametrize("text", [
    "Stop", "Remove reponses.json", "Remove x.pdf", "CONNECTING", "Connecting", "Drag and drop file here",
    "Add files", "Running...", "Your answers are kept encrypted on the server.",
    "Voir mes droits → Next step",                     # a French button with English glued to it
])
def test_streamlit_english_and_english_sentences_are_refused_on_a_french_page(french, text) -> None:
    assert french.strangers([text]) == [text]


@pytest.mark.parametrize("text", [
    "Vos réponses sont gardées chiffrées sur le serveur.", "Terminer et effacer", "Aller au contenu",
])
def test_french_sentences_are_refused_on_an_english_page(english, text) -> None:
    assert english.strangers([text]) == [text]


def test_a_message_with_its_values_and_a_markdown_piece_pass(french, english) -> None:
    shown = [
        "Vos réponses sont gardées chiffrées sur le serveur et effacées 24 heures après votre dernière action ou avec « Terminer et effacer ».",
        "Tout effacer ?",                              # **Tout effacer ?** is its own text node
        "Les réponses de cette session seront effacées de cette page et du serveur.",
        "Retirer le fichier reponses.json",             # the page script's French, a file name
        "Glissez-déposez le fichier ici",
    ]
    assert french.strangers(shown) == []
    assert english.strangers([
        "Your answers are kept encrypted on the server and deleted 24 hours after your last action or with “Finish and clear”.",
        "Clear everything?", "Remove reponses.json", "Drag and drop file here",
    ]) == []


def test_pieces_are_whole_words_and_long_enough() -> None:
    """« Sto » of « Stocker » does not make « Stop »; a two-letter word alone is no message,
    unless it is the whole text between two values (« {a} à {b} »)."""
    small = Catalogue.of("fr", ["Stocker les pièces", "Il y a {n} jours", "{a} à {b}", "Un an de plus"], [FORMATTED])
    assert small.strangers(["Stop", "Stocker", "Il y a 3 jours", "3 à 4", "de", "an", "Un an"]) == ["Stop", "de", "an"]


def test_allowed_values_say_why_and_cover_only_themselves() -> None:
    with pytest.raises(ValueError):
        AllowList(" ", frozenset({"Stop"}))
    typed = AllowList("what the person typed in this walk", frozenset({"Amina Diallo", "Nantes"}))
    small = Catalogue.of("fr", ["Stocker les pièces", "Il y a {n} jours", "{a} à {b}", "Dossier de {name}"], [typed, FORMATTED])
    assert small.strangers(["Stop", "Stocker", "Il y a 3 jours", "Nantes à Nantes", "Dossier de Amina Diallo",
                            "Dossier de Amina", "Amina Diallo lives here"]) == [
        "Stop", "Dossier de Amina", "Amina Diallo lives here"]


def test_markdown_is_removed_from_messages() -> None:
    assert plain("**Tout effacer ?** Voir [la loi](https://x.fr) :red[maintenant]\n- un point") == (
        "Tout effacer ? Voir la loi maintenant\nun point")


def test_values_in_the_wrong_language_or_shown_as_markdown_are_refused(french, english) -> None:
    """A file's size in the other language's units, a markdown escape read out (« Loire\\-Atlantique »)."""
    assert french.strangers(["1.2KB", "Adresse postale : Loire\\-Atlantique", "Running...", "Show password"]) == [
        "1.2KB", "Adresse postale : Loire\\-Atlantique", "Running...", "Show password"]
    assert french.strangers(["1,2 Ko", "Adresse postale : Loire-Atlantique", "• JPG, PNG, PDF", "Chargement…",
                             "Afficher le mot de passe", "Lire le texte sur EUR-Lex"]) == []
    assert english.strangers(["1,2 Ko", "Chargement…"]) == ["1,2 Ko", "Chargement…"]
    assert english.strangers(["25MB per file", "in principle one year: by 6 October 2027 at the latest",
                              "(Code des relations entre le public et l'administration, art. L. 231-4)"]) == []
