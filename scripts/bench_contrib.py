"""Benchmarks of the contributions: a submit's server time, and the map with 10,000
fiches accepted online beside the same number of fiches read from ``data/``.

- ``contrib_submit_ms_<db>``: what the server does when « Envoyer » is pressed —
  the checks (``proposal.validate``) and the stored proposal (``Store.submit``, one
  transaction) — median of 50 submits, on SQLite (the default file) and on PostgreSQL;
- ``contrib_submit_run_ms_<db>``: the whole script run that the press starts (callback,
  stored proposal, the page with its receipt), wall time in Streamlit's AppTest (its
  overhead included), median of 10 sessions (target: 300 ms);
- ``browser_markers_ms_contributions_n<n>`` / ``browser_markers_ms_data_n<n>``: median ms
  from navigation to the first marker for a dashboard whose ``n`` extra fiches come from
  the database (the 13 committed ones + ``n`` accepted proposals) and for one reading
  ``n`` synthetic fiches from its data folder, loads alternating, fresh browser context
  each; and their ratio (target: within 10 %).

Prints ``name value unit`` lines like ``scripts/bench.py``, which calls
:func:`contrib_figures`. Alone: ``python -m scripts.bench_contrib [--size 10000]``
(a browser load: run it under the browser lock on shared machines).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from devtools.browser import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, StreamlitServer
from devtools.synth import generate
from fiches.contrib.db import ENV_URL, make_engine, migrate
from fiches.contrib.proposal import Proposal, validate, vocabulary
from fiches.contrib.storage import Store
from fiches.curation import Porteur
from fiches.schema import SECTION_KEYS, split_list

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"
MARKER = ".leaflet-marker-icon"
SUBMITS = 50
SUBMIT_RUNS = 10


def _print(name: str, value: float, unit: str) -> None:
    print(f"{name} {value:.3f} {unit}", flush=True)


def proposals_of(data_dir: Path) -> list[Proposal]:
    """The synthetic fiches of ``data_dir`` as proposals (same text, facets and communes)."""
    with open(data_dir / "places.csv", encoding="utf-8") as fh:
        communes: dict[str, list[str]] = {}
        for row in csv.DictReader(fh):
            if row["code_commune"]:
                communes.setdefault(row["fiche_id"], []).append(row["code_commune"])
    with open(data_dir / "fiches.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        porteurs = [
            Porteur(p.rsplit(" (", 1)[0], p.rsplit(" (", 1)[-1].rstrip(")"))
            for p in split_list(row["porteurs"])
        ]
        out.append(
            Proposal(
                titre=row["titre"],
                sections={k: row[f"section_{k}"] for k in SECTION_KEYS},
                bailleurs=split_list(row["bailleurs"]),
                porteurs=porteurs,
                themes=split_list(row["themes"])[:4],
                periode=row["periode"],
                annee_debut=int(row["annee_debut"]) if row["annee_debut"] else None,
                communes=communes.get(row["id"], [])[:20],
            )
        )
    return out


def _fresh_postgres() -> tuple[str, Callable[[], None]]:
    import sqlalchemy

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(POSTGRES + "postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return POSTGRES + name, drop


def submit_ms(url: str, proposals: list[Proposal]) -> float:
    """Median ms of the server's part of a submit: the checks, then the stored proposal."""
    engine = make_engine(url)
    migrate(engine)
    store = Store(engine)
    vocab = vocabulary()
    # the proposals the form would send (some synthetic fiches lack a required section)
    valid = [p for p in proposals if not validate(p, vocab)][:SUBMITS]
    assert len(valid) == SUBMITS, f"{len(valid)} valid proposals"
    times = []
    for i, proposal in enumerate(valid):
        start = time.perf_counter()
        errors = validate(proposal, vocab)
        store.submit(proposal.to_payload(), "contact@example.org", session=f"bench-{i}")
        times.append((time.perf_counter() - start) * 1000)
        assert not errors
    engine.dispose()
    return statistics.median(times)


def submit_run_ms(url: str, runs: int = SUBMIT_RUNS) -> float:
    """Median ms of the whole script run started by « Envoyer la proposition » (its
    callback, the stored proposal, then the page with the receipt) in Streamlit's AppTest
    on database ``url``: AppTest's own overhead included, an upper bound (the app's run
    timer starts after the callbacks)."""
    import os

    import streamlit as st

    from devtools.contrib_form import app, fill, send

    previous = os.environ.get(ENV_URL)
    os.environ[ENV_URL] = url
    st.cache_resource.clear()  # the store of another database
    try:
        times = []
        for i in range(runs):  # one session each: a person proposing one fiche
            at = app("proposer")
            fill(at, f"Jardins partagés n° {i + 1}")
            start = time.perf_counter()
            send(at)
            times.append((time.perf_counter() - start) * 1000)
            assert at.session_state["p_receipt"], "no receipt"
    finally:
        if previous is None:
            os.environ.pop(ENV_URL, None)
        else:
            os.environ[ENV_URL] = previous
        st.cache_resource.clear()
    return statistics.median(times)


def accept_all(url: str, proposals: list[Proposal]) -> None:
    engine = make_engine(url)
    migrate(engine)
    store = Store(engine)
    for i, proposal in enumerate(proposals):
        pid, _ = store.submit(proposal.to_payload(), "", session=f"bench-{i}")
        store.decide(pid, seen_version=1, action="accepter", moderator="bench")
    engine.dispose()


def markers_ms(servers: dict[str, StreamlitServer], rounds: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    ms: dict[str, list[float]] = {name: [] for name in servers}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def load(name: str) -> float:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(servers[name].url + "/", wait_until="commit")
            page.frame_locator(MAP_FRAME).locator(MARKER).first.wait_for(timeout=180_000)
            elapsed = (time.perf_counter() - start) * 1000
            context.close()
            return elapsed

        for name in servers:  # the first visit fills the server's caches
            load(name)
        names = list(servers)
        for r in range(rounds):
            for name in names[r % 2 :] + names[: r % 2]:
                ms[name].append(load(name))
        browser.close()
    return {name: statistics.median(values) for name, values in ms.items()}


def contrib_figures(
    size: int = 10_000, rounds: int = 7, emit: Callable[[str, float, str], None] = _print
) -> None:
    with tempfile.TemporaryDirectory(prefix="fiches-bench-contrib-") as tmp:
        data_dir = generate(size, Path(tmp) / f"n{size}")
        proposals = proposals_of(data_dir)
        emit(
            "contrib_submit_ms_sqlite", submit_ms(f"sqlite:///{tmp}/submit.sqlite", proposals), "ms"
        )
        emit("contrib_submit_run_ms_sqlite", submit_run_ms(f"sqlite:///{tmp}/run.sqlite"), "ms")
        url, drop = _fresh_postgres()
        try:
            emit("contrib_submit_ms_postgresql", submit_ms(url, proposals), "ms")
            emit("contrib_submit_run_ms_postgresql", submit_run_ms(url), "ms")
        finally:
            drop()
        db = f"sqlite:///{tmp}/accepted.sqlite"
        start = time.perf_counter()
        accept_all(db, proposals)
        emit(f"contrib_accept_all_s_n{size}", time.perf_counter() - start, "s")
        servers = {
            "contributions": StreamlitServer(env={"FICHES_DATABASE_URL": db}),
            "data": StreamlitServer(
                data_dir, env={"FICHES_DATABASE_URL": f"sqlite:///{tmp}/empty.sqlite"}
            ),
        }
        try:
            medians = markers_ms(servers, rounds)
        finally:
            for server in servers.values():
                server.stop()
        for name, value in medians.items():
            emit(f"browser_markers_ms_{name}_n{size}", value, "ms")
        ratio = medians["contributions"] / medians["data"]
        emit(f"browser_markers_ratio_contributions_vs_data_n{size}", ratio, "x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    contrib_figures(args.size, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
