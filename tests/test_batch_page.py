"""The associations page: thin, in French or English, no law and no disk."""

from streamlit.testing.v1 import AppTest

from tests.test_app import APP


def test_batch_page_offers_the_template_and_the_upload():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/batch.py").run()
    assert not at.exception
    assert at.title[0].value == "Plusieurs dossiers (associations)"
    assert any("modèle" in str(b.label) for b in at.get("download_button"))
    at.session_state["lang"] = "en"
    at.session_state["w.lang"] = "en"
    at.run()
    assert not at.exception and at.title[0].value == "Several cases (associations)"


def _csv(rows: int) -> bytes:
    import csv
    import io

    from tests.conftest import VALID_SCENARIOS
    from tests.test_batch import as_cell, flatten

    cases = [flatten(VALID_SCENARIOS[i % 2][1]["case"]) for i in range(rows)]
    columns = sorted({c for r in cases for c in r})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=";")
    writer.writeheader()
    for r in cases:
        writer.writerow({c: as_cell(c, r.get(c)) for c in columns})
    return buffer.getvalue().encode("utf-8")


def _page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/batch.py").run()
    return at


def test_rows_per_upload_are_capped():
    """The checked rows and the ZIP live in the server's memory: a file over the cap is
    refused before any row is validated, with what to do instead."""
    import pytest

    from assistant.associations import batch
    from assistant.law.model import InvalidCase

    assert batch.APP_MAX_ROWS == 2_000
    with pytest.raises(InvalidCase) as refused:
        batch.check_upload("grand.csv", _csv(2_001))
    message = refused.value.messages[0]
    assert message.startswith("plus de 2\u202f000 lignes") and "ligne de commande" in message
    assert len(batch.check_upload("juste.csv", _csv(3), max_rows=3).valid) == 3


def test_the_page_refuses_a_file_over_the_cap(monkeypatch):
    from assistant.associations import batch

    monkeypatch.setattr(batch, "APP_MAX_ROWS", 2)
    at = _page()
    at.file_uploader(key="batch.upload").set_value(("trois.csv", _csv(3), "text/csv")).run()
    assert not at.exception, at.exception
    assert "plus de 2 lignes" in at.error[0].value and "découpez" in at.error[0].value.lower()
    assert "batch.checked" not in at.session_state and not [b for b in at.get("button") if b.key == "batch.run"]


def _held_bytes(at: AppTest) -> int:
    """The largest bytes value the session holds."""
    values = at.session_state.values()
    return max((len(v) for v in values if isinstance(v, (bytes, bytearray))), default=0)


def test_the_zip_leaves_the_session_once_downloaded_or_the_file_removed():
    import time
    import zipfile
    from io import BytesIO

    at = _page()
    at.file_uploader(key="batch.upload").set_value(("deux.csv", _csv(2), "text/csv")).run()
    at.button(key="batch.run").click().run()
    assert not at.exception, at.exception
    with zipfile.ZipFile(BytesIO(at.session_state["batch.zip"])) as archive:
        assert {n.split("/")[0] for n in archive.namelist()} == {"0002", "0003"}
    assert _held_bytes(at) > 10_000
    at.download_button(key="batch.zip.download").click().run()
    assert not at.exception, at.exception
    assert "batch.zip" not in at.session_state and _held_bytes(at) == 0
    assert not [b for b in at.get("download_button") if b.key == "batch.zip.download"]

    # Never downloaded: forgotten after ZIP_MINUTES…
    at.button(key="batch.run").click().run()
    assert "batch.zip" in at.session_state
    at.session_state["batch.zip.made"] = time.monotonic() - 31 * 60
    at.run()
    assert "batch.zip" not in at.session_state and "effacée de la mémoire du serveur" in at.info[0].value
    # …or as soon as the file is removed, with its checked rows.
    at.button(key="batch.run").click().run()
    assert "batch.zip" in at.session_state
    at.file_uploader(key="batch.upload").set_value(None).run()
    assert not at.exception, at.exception
    assert "batch.zip" not in at.session_state and "batch.checked" not in at.session_state and _held_bytes(at) == 0
