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
