"""End-to-end fixtures: a real ``streamlit run`` on a free port, Debian's Chromium.

Every request the page makes is recorded; tests fail if one leaves localhost. The server
and the waits live in ``tests/helpers.py`` (shared with ``scripts/``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, StreamlitServer

LOCAL_PREFIXES = ("http://localhost", "http://127.0.0.1", "data:", "blob:", "about:")


def pytest_collection_modifyitems(items) -> None:
    """Every test under tests/browser/ is in the browser lane (``pytest -m browser``)."""
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server() -> Iterator[StreamlitServer]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    srv = StreamlitServer()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}, "locale": "fr-FR"}


class RequestLog:
    def __init__(self) -> None:
        self.urls: list[str] = []

    @property
    def external(self) -> list[str]:
        return [u for u in self.urls if not u.startswith(LOCAL_PREFIXES)]


@pytest.fixture
def requests_log(context) -> Iterator[RequestLog]:
    """Every request of the test's browser context; the test fails if one left localhost."""
    log = RequestLog()
    context.on("request", lambda request: log.urls.append(request.url))
    yield log
    assert log.external == [], f"requests left localhost: {log.external[:5]}"
