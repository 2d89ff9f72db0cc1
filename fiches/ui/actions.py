"""Buttons whose action is never lost, even on the first run of a session.

A page left open while the server restarts reconnects to a new session and sends the
person's next click with that session's first run. Streamlit calls ``on_click`` callbacks
before the script runs, from the widgets the session has already drawn: a new session has
drawn none, so the callback of that first click is not called, and the click would be
lost (the button only returns True). ``action_button`` notices it and applies the action
itself, then reruns so that the page shows its result. Guarded by
``tests/browser/test_restart.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

_RAN = "action_ran"  # the key of the button whose callback ran before this run


def _run_action(key: str, action: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    st.session_state[_RAN] = key
    action(*args, **kwargs)


def action_button(
    label: str,
    *,
    key: str,
    on_click: Callable[..., Any],
    args: tuple = (),
    kwargs: dict | None = None,
    **options: Any,
) -> bool:
    """``st.button`` with ``on_click``, whose action also applies when Streamlit could not
    call it (a session's first run). Returns whether the button was clicked."""
    kwargs = kwargs or {}
    clicked = st.button(
        label, key=key, on_click=_run_action, args=(key, on_click, args, kwargs), **options
    )
    if clicked and st.session_state.pop(_RAN, None) != key:
        on_click(*args, **kwargs)
        st.rerun()
    return clicked
