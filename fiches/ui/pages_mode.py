"""The one workaround for the ``pages/`` folder name (fixed by our user).

A folder named ``pages/`` next to the entry point makes Streamlit start in its legacy
multipage mode: until some run calls ``st.navigation``, a URL such as ``/fiches`` on a
freshly started server runs ``pages/fiches.py`` alone (no page config, no shared sidebar,
the wrong menu). ``st.navigation`` itself turns that mode off for the whole process; a
page run in legacy mode does the same and asks for a rerun, which then goes through
``app.py`` and lands on the requested page. Guarded by the browser test
``test_deep_link_on_a_fresh_server_*``.
"""

from __future__ import annotations

import streamlit as st


def leave_legacy_pages_mode() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
