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
        assert {n.split("/")[0] for n in archive.namelist() if "/" in n} == {"0002", "0003"}
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


def test_the_page_moves_the_focus_to_its_heading():
    """Issue 20, point 10: like every other screen, the heading takes the focus on arrival."""
    at = _page()
    assert not at.exception
    assert [t.proto.anchor for t in at.title] == ["plusieurs-dossiers"]
    scripts = "\n".join(str(e.proto.body) for e in at.get("html"))
    assert "mdaAnnounce" in scripts and '"plusieurs-dossiers"' in scripts


def _tables(at: AppTest) -> list:
    """The tables' cells as shown (st.table reads Markdown: the page escapes the file's text)."""
    return [t.value.map(lambda v: v.replace("\\", "") if isinstance(v, str) else v) for t in at.table]


def test_each_row_shows_where_it_was_placed_and_the_numbers_read_in_french():
    """Issue 20, points 3 and 10: each valid row's place and appeal body; the chart by benefit in
    the interview's words with whole-number ticks, and the same numbers in a table beside it."""
    import json

    at = _page()
    at.file_uploader(key="batch.upload").set_value(("douze.csv", _csv(12), "text/csv")).run()
    assert not at.exception, at.exception
    tables = _tables(at)
    [found] = [t for t in tables if "Recours auprès de" in t.columns]
    assert list(found["Ligne"])[:2] == [2, 3] and list(found["Lieu trouvé"])[:2] == ["Lyon, Rhône (69)",
                                                                                      "Bordeaux, Gironde (33)"]
    assert all(found["Recours auprès de"])
    [numbers] = [t for t in tables if "Prestation" in t.columns]
    assert sorted(zip(numbers["Prestation"], numbers["Dossiers"])) == [
        ("Allocations familiales", "6"), ("RSA (revenu de solidarité active)", "6")]
    import pyarrow

    [chart] = at.get("vega_lite_chart")
    axis = json.loads(chart.proto.spec)["encoding"]["x"]["axis"]
    assert axis["format"] == "d" and axis["tickMinStep"] == 1 and axis["values"] == [0, 2, 4, 6]
    bars = pyarrow.ipc.open_stream(chart.proto.data.data).read_all().to_pylist()
    assert sorted((bar["benefit"], bar["cases"]) for bar in bars) == [
        ("Allocations familiales", 6), ("RSA (revenu de solidarité active)", 6)]


def test_the_app_zip_holds_what_the_command_line_zip_holds(tmp_path):
    """Issue 20, point 9: the page's ZIP is the command line's dossiers.zip for the same file
    with --format both: French file names, every PDF (which opens), the report with the
    refused row and what to correct, the statistics."""
    import csv
    import io
    import zipfile

    from pypdf import PdfReader

    from tests.conftest import VALID_SCENARIOS, run_cli
    from tests.test_batch import as_cell, flatten

    rows = [flatten(VALID_SCENARIOS[i][1]["case"]) for i in range(2)]
    rows.append({**rows[0], "decision.received_on": "2099-01-01"})
    columns = sorted({c for r in rows for c in r})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, delimiter=";")
    writer.writeheader()
    writer.writerows({c: as_cell(c, r.get(c)) for c in columns} for r in rows)
    data = buffer.getvalue().encode("utf-8")

    at = _page()
    at.file_uploader(key="batch.upload").set_value(("trois.csv", data, "text/csv")).run()
    assert at.checkbox(key="batch.pdf").value is True
    at.button(key="batch.run").click().run()
    assert not at.exception, at.exception
    source = tmp_path / "trois.csv"
    source.write_bytes(data)
    result = run_cli("batch", str(source), "--out", str(tmp_path / "out"), "--format", "both", timeout=180)
    assert result.returncode == 2, result.stderr
    with zipfile.ZipFile(io.BytesIO(at.session_state["batch.zip"])) as app, \
            zipfile.ZipFile(tmp_path / "out" / "dossiers.zip") as cli:
        names = app.namelist()
        assert names == cli.namelist()
        assert "0002/comment-envoyer.pdf" in names and not any("guide" in n or "appeal" in n for n in names)
        assert {n.split("/")[-1].rsplit(".", 1)[-1] for n in names} == {"json", "docx", "pdf", "csv"}
        for name in names:
            if name.endswith(".pdf"):
                assert len(PdfReader(io.BytesIO(app.read(name))).pages) >= 1, name
        assert app.read("rapport.csv") == cli.read("rapport.csv")
        assert app.read("statistiques.json") == cli.read("statistiques.json")
        report = list(csv.DictReader(io.StringIO(app.read("rapport.csv").decode("utf-8")), delimiter=";"))
    assert [(r["ligne"], r["statut"], r["pdf"]) for r in report] == [("2", "ok", "ok"), ("3", "ok", "ok"),
                                                                      ("4", "invalide", "")]
    assert "decision.received_on" in report[2]["erreurs"]
