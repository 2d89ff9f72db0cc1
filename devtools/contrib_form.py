"""The proposal form filled and sent in Streamlit's AppTest: shared by the AppTest tests
(``tests/test_contrib_app.py``) and the submit benchmark (``scripts/bench_contrib.py``)."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from fiches import paths

TITLE = "Jardins partagés à Vierzon"


def app(page: str, **query) -> AppTest:
    """The app run once, then on ``pages/<page>.py`` (with ``query`` in its URL)."""
    at = AppTest.from_file(str(paths.ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    return at


def fill(at: AppTest, title: str = TITLE, *, objet: str = "Créer des jardins partagés.") -> None:
    """Title, the two required sections, a thème, Vierzon and an e-mail, as a person types."""
    at.text_input(key="p_titre").input(title).run()
    at.text_area(key="p_section_objet").input(objet).run()
    at.text_area(key="p_section_comment").input("Avec les habitants.\n- 40 parcelles").run()
    at.multiselect(key="p_themes").set_value(["vivre-ensemble"]).run()
    at.text_input(key="p_commune_q").input("vierzon").run()
    at.multiselect(key="p_communes").set_value(["18279"]).run()
    at.text_input(key="p_email").input("contact@exemple.fr").run()


def send(at: AppTest, *, waited: bool = True) -> None:
    """Press « Envoyer la proposition »; ``waited``: as if the form had been open 10 s (the
    minimum fill time, without waiting in a test)."""
    if waited:
        at.session_state["p_opened_at"] = time.time() - 10
    at.button(key="contrib-send").click().run()
    assert not at.exception
