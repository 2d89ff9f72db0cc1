"""The one workaround for the ``pages/`` folder name (fixed by our user).

A folder named ``pages/`` next to the entry point makes Streamlit start in its legacy
multipage mode: until some run calls ``st.navigation``, a URL such as ``/fiches`` on a
freshly started server runs ``pages/fiches.py`` alone (no page config, no shared sidebar,
the wrong menu). ``st.navigation`` itself turns that mode off for the whole process; a
page run in legacy mode does the same and asks for a rerun, which then goes through
``app.py`` and lands on the requested page. Guarded by the browser tests
``test_every_page_url_on_a_fresh_server`` and
``test_first_visitors_at_once_on_a_fresh_server``.

The process-wide flag says how the *next* runs start, not how the current one did: when
several sessions start together on a fresh server (every open page reconnects after a
restart), one of them turns the flag off while another is already running its page in
legacy mode. That run is told by its navigation, which Streamlit built from the folder
with ``app.py`` itself as a page (ours never lists ``app.py``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st


def _run_is_legacy() -> bool:
    """Whether this run's page was started by Streamlit's legacy ``pages/`` runner."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return False
    manager = ctx.pages_manager
    main = Path(manager.main_script_path).resolve()
    return any(
        info.get("script_path") and Path(info["script_path"]).resolve() == main
        for info in manager.get_pages().values()
    )


def leave_legacy_pages_mode() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    if _run_is_legacy():  # another session turned the flag off while this one started
        st.rerun()
