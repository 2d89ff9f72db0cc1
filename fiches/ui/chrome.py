"""The page's chrome: its stylesheet, and what every run ends with (``page.js``: language,
focus after a click, the run counter the browser tests wait on)."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from fiches import paths
from fiches.assets import page_script_url
from fiches.map_folium import script_json
from fiches.ui.state import session, take_focus


def page_script(**call) -> None:
    """Run ``static/js/page.js`` in the page with this run's arguments (no iframe).

    A run number makes the element new on every run, so that its script runs again."""
    call["run"] = session.run_count = session.run_count + 1
    st.html(
        f'<script src="{page_script_url()}"></script>'
        # queued: the file may load after this inline script
        "<script>(window.fichePageCalls = window.fichePageCalls || [])"
        f".push({script_json(call)});window.FichePage && FichePage.flush();</script>",
        unsafe_allow_javascript=True,
    )


def end_of_run() -> None:
    """What every run ends with: ``page.js`` (language, focus, run count)."""
    page_script(focus=take_focus())


def stop() -> NoReturn:
    """End this run early (``st.stop``), ending it as every run ends."""
    end_of_run()
    st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")


def page_style() -> None:
    """The dashboard's stylesheet (``static/css/app.css``)."""
    st.html(paths.STATIC / "css" / "app.css")
