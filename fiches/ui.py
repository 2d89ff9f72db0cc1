"""Streamlit glue shared by ``app.py`` and the pages: the only module importing Streamlit.

It loads the corpus (cached on the files' modification times), keeps the view in the URL,
draws the shared sidebar and the detail panel of a fiche. Decisions live in the domain
modules (filters, urlstate, mapping, render); this module only wires them to widgets.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from fiches import paths
from fiches.assets import ensure_static_assets
from fiches.corpus import Corpus, load_corpus
from fiches.curation import CurationError
from fiches.filters import FilterState, apply_filters
from fiches.mapdata import MapDataset, build_dataset, publish, view_of_fiche
from fiches.markup import escape_md
from fiches.render import fiche_facts, fiche_html, fiche_markdown, section_heading
from fiches.schema import SECTION_BY_KEY, SECTION_KEYS
from fiches.store import DataError
from fiches.urlstate import IGNORED_PARAMS, ViewState, parse_query, to_query

PAGE_SIZE = 25
FILTER_KEYS = {
    "bailleurs": "f_bailleurs",
    "themes": "f_themes",
    "types_porteurs": "f_types",
    "departements": "f_deps",
    "communes": "f_communes",
    "regions": "f_regions",
}


@dataclass
class Context:
    corpus: Corpus
    state: FilterState
    view: ViewState
    filtered: pd.DataFrame


def data_dir() -> Path:
    """The data folder: ``FICHES_DATA_DIR`` when set (tests, benchmarks), else ``data/``."""
    return Path(os.environ.get("FICHES_DATA_DIR", paths.DATA))


@st.cache_resource(show_spinner=False)
def _assets_ready() -> bool:
    try:
        ensure_static_assets()
    except OSError:  # read-only deployment: the files may have been copied at build time
        return (paths.STATIC / "vendor" / "leaflet" / "leaflet.js").exists()
    return True


# cache_resource, not cache_data: the corpus is read-only, and cache_data would unpickle a
# copy of every table (seconds at 100,000 fiches) on each rerun. Keyed on the modification
# times, so an edited file is reloaded.
@st.cache_resource(show_spinner="Chargement des fiches…", max_entries=2)
def _load(directory: str, mtimes: tuple[float, ...]) -> Corpus:
    return load_corpus(Path(directory))


def _mtimes(directory: Path) -> tuple[float, ...]:
    files = [directory / n for n in ("fiches.csv", "places.csv", "curation.toml")]
    return tuple(f.stat().st_mtime if f.exists() else 0.0 for f in files)


@st.cache_resource(show_spinner=False, max_entries=2)
def _dataset(directory: str, mtimes: tuple[float, ...]) -> MapDataset:
    dataset = build_dataset(_load(directory, mtimes))
    try:
        publish(dataset, paths.STATIC)
    except OSError:
        dataset.inline = True  # cannot write static/: the view carries the data itself
    return dataset


def map_dataset() -> MapDataset:
    """The map's constant dataset, published once as a static file (see ``mapdata``)."""
    directory = data_dir()
    return _dataset(str(directory), _mtimes(directory))


def corpus() -> Corpus:
    directory = data_dir()
    try:
        return _load(str(directory), _mtimes(directory))
    except (DataError, CurationError) as exc:
        st.error(f"Les données ne peuvent pas être chargées : {escape_md(str(exc))}")
        st.stop()
        raise  # unreachable: st.stop() ends the run


def setup() -> None:
    if not _assets_ready():
        st.error(
            "La carte ne peut pas s'afficher : les fichiers Leaflet n'ont pas pu être copiés "
            "dans static/vendor (lancez `python -m fiches assets`)."
        )


def _options(c: Corpus) -> dict[str, list[str]]:
    return {name: c.options(name) for name in FILTER_KEYS}


def _init_from_url(c: Corpus) -> None:
    params = {k: st.query_params.get_all(k) for k in st.query_params}
    state, view, notices = parse_query(
        params, options=_options(c), fiche_ids=c.ids, year_range=c.years()
    )
    for name, key in FILTER_KEYS.items():
        st.session_state[key] = list(getattr(state, name))
    if c.years():
        st.session_state["f_years"] = state.years or c.years()
    st.session_state["f_q"] = state.q
    st.session_state["f_section"] = state.section
    st.session_state["v_fiche"] = view.fiche
    st.session_state["v_color"] = view.color_by
    st.session_state["map_center"] = view.center
    st.session_state["map_zoom"] = view.zoom
    if view.fiche and view.center is None:
        _frame_map_on(c, view.fiche)
    st.session_state["url_notices"] = notices


def _frame_map_on(c: Corpus, fiche_id: str) -> None:
    """Set the map's next view to show every place of a fiche."""
    framed = view_of_fiche(c, fiche_id)
    if framed is not None:
        st.session_state["map_center"], st.session_state["map_zoom"] = framed


def reset_filters() -> None:
    for key in FILTER_KEYS.values():
        st.session_state[key] = []
    st.session_state["f_q"] = ""
    st.session_state["f_section"] = ""
    st.session_state.pop("f_years", None)  # the sidebar sets it back to the full range
    st.session_state["list_size"] = PAGE_SIZE


def select_fiche(fiche_id: str) -> None:
    st.session_state["v_fiche"] = fiche_id
    st.session_state.pop("map_choice", None)


def close_fiche() -> None:
    st.session_state["v_fiche"] = ""


def show_on_map(c: Corpus, fiche_id: str) -> None:
    _frame_map_on(c, fiche_id)
    select_fiche(fiche_id)
    st.session_state["goto_map"] = True


def _state_from_widgets(c: Corpus) -> FilterState:
    years = st.session_state.get("f_years")
    full = c.years()
    return FilterState(
        **{name: tuple(st.session_state.get(key, [])) for name, key in FILTER_KEYS.items()},
        years=tuple(years) if years and full and tuple(years) != full else None,
        q=st.session_state.get("f_q", "").strip()[:200],
        section=st.session_state.get("f_section", ""),
    )


def sidebar() -> Context:
    """Draw the shared filters; return the corpus, the states and the filtered fiches."""
    c = corpus()
    if "url_init" not in st.session_state:
        _init_from_url(c)
        st.session_state["url_init"] = True
    theme_label = c.theme_label
    with st.sidebar:
        st.markdown("### Filtrer les actions")
        st.text_input(
            "Recherche libre",
            key="f_q",
            placeholder="ex. concertation, Joué, budget",
            help=(
                "Les mots sont cherchés ensemble, dans cet ordre, sans tenir compte des accents,"
                " des majuscules ni des tirets."
            ),
        )
        st.selectbox(
            "Chercher dans",
            options=["", *SECTION_KEYS],
            format_func=lambda k: "toutes les rubriques" if not k else SECTION_BY_KEY[k].heading,
            key="f_section",
        )
        st.multiselect("Bailleur", c.options("bailleurs"), key="f_bailleurs", placeholder="Tous")
        st.multiselect(
            "Thème",
            c.options("themes"),
            key="f_themes",
            format_func=theme_label,
            placeholder="Tous",
        )
        st.multiselect(
            "Type de porteur", c.options("types_porteurs"), key="f_types", placeholder="Tous"
        )
        st.multiselect(
            "Département",
            sorted(c.options("departements")),
            key="f_deps",
            format_func=lambda code: f"{code} – {c.departements.get(code, code)}",
            placeholder="Tous",
        )
        st.multiselect("Commune", c.options("communes"), key="f_communes", placeholder="Toutes")
        st.multiselect("Région", c.options("regions"), key="f_regions", placeholder="Toutes")
        years = c.years()
        if years and years[0] < years[1]:
            if not st.session_state.get("f_years"):
                st.session_state["f_years"] = years
            st.slider(
                "Année de début", years[0], years[1], key="f_years",
                help="Restreindre la période exclut les fiches dont l'année n'est pas indiquée.",
            )  # fmt: skip
        st.button("Réinitialiser les filtres", on_click=reset_filters, width="stretch")
        st.radio(
            "Couleur des marqueurs",
            options=["theme", "bailleur"],
            format_func=lambda v: "par thème" if v == "theme" else "par bailleur",
            key="v_color",
            horizontal=True,
        )
        notices = st.session_state.get("url_notices") or []
        if notices:
            st.caption("Lien partiellement repris : " + escape_md(" ; ".join(notices[:5])))
    state = _state_from_widgets(c)
    fiche = st.session_state.get("v_fiche", "")
    if fiche and fiche not in c.fiches.index:
        fiche = ""
    view = ViewState(fiche=fiche, color_by=st.session_state.get("v_color", "theme"))
    view = _sync_url(c, state, view)
    return Context(c, state, view, apply_filters(c, state))


def _sync_url(c: Corpus, state: FilterState, view: ViewState) -> ViewState:
    """Write the view into the URL, keeping the map position the map itself wrote there."""
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    position = {k: current[k] for k in ("lat", "lon", "z") if k in current}
    if position:
        _, parsed, _ = parse_query(position, options={}, fiche_ids=[], year_range=None)
        view = replace(view, center=parsed.center, zoom=parsed.zoom)
    desired: dict[str, list[str]] = {
        k: v if isinstance(v, list) else [v] for k, v in to_query(state, view).items()
    }
    for k in IGNORED_PARAMS:
        if k in current:
            desired[k] = current[k]
    if desired != current:
        st.query_params.from_dict(desired)
    return view


def share_url(ctx: Context) -> str:
    """The link to this view: the page's address and the canonical query string."""
    base = str(st.context.url or "").split("?")[0]
    query = to_query(ctx.state, ctx.view)
    return base + ("?" + urlencode(query, doseq=True) if query else "")


def count_line(ctx: Context) -> str:
    n, total = len(ctx.filtered), len(ctx.corpus.fiches)
    return f"**{n} action{'s' if n > 1 else ''} sur {total}**"


def fiche_list(ctx: Context, key: str) -> None:
    """The filtered fiches as buttons (the keyboard alternative to the map), paginated."""
    if ctx.filtered.empty:
        st.info(
            "Aucune action ne correspond à ces filtres. "
            "Élargissez la recherche ou réinitialisez les filtres."
        )
        return
    size = st.session_state.get("list_size", PAGE_SIZE)
    for fid, title in zip(ctx.filtered.index[:size], ctx.filtered["titre"][:size], strict=True):
        current = fid == ctx.view.fiche
        st.button(
            escape_md(title),
            key=f"{key}-{fid}",
            on_click=select_fiche,
            args=(fid,),
            type="primary" if current else "secondary",
            width="stretch",
        )
    if len(ctx.filtered) > size:
        st.button(
            f"Afficher plus ({len(ctx.filtered) - size} restantes)",
            key=f"{key}-more",
            on_click=lambda: st.session_state.update(list_size=size + PAGE_SIZE * 4),
        )


def fiche_panel(ctx: Context, *, key: str) -> None:
    """The detail panel of the selected fiche."""
    c = ctx.corpus
    fid = ctx.view.fiche
    fiche = c.fiches.loc[fid]
    places = c.places[c.places["fiche_id"] == fid]
    with st.container(border=True, key=f"panel-{key}"):
        theme_labels = {t: c.theme_label(t) for t in c.themes}
        facts = fiche_facts(fiche, places, theme_labels)
        st.markdown(f"#### {escape_md(fiche['titre'])}")
        st.markdown(f"**Bailleur** : {facts['bailleur'][0]}")
        for line in facts["porteurs"]:
            st.markdown(f"**Porteurs** : {line}")
        if facts["themes"]:
            st.markdown(" ".join(f":blue-badge[{label}]" for label in facts["themes"]))
        for line in facts["periode"]:
            st.markdown(f"**Période** : {line}")
        for line in facts["lieux"]:
            st.markdown(line)
        cols = st.columns(2)
        cols[0].button(
            "Voir sur la carte",
            key=f"{key}-voir",
            on_click=show_on_map,
            args=(c, fid),
            width="stretch",
        )
        with cols[1].popover("Copier le lien", width="stretch"):
            st.caption("Lien vers cette vue (filtres, fiche ouverte, position de la carte) :")
            st.code(share_url(ctx), language=None, wrap_lines=True)
        cols = st.columns(2)
        cols[0].download_button(
            "Fiche HTML",
            fiche_html(fiche, places, theme_labels),
            icon=":material/download:",
            help="Page imprimable de la fiche complète",
            file_name=f"{fid}.html",
            mime="text/html",
            key=f"{key}-html",
            width="stretch",
        )
        cols[1].download_button(
            "Markdown",
            fiche_markdown(fiche, places, theme_labels),
            icon=":material/download:",
            help="Texte de la fiche complète en Markdown",
            file_name=f"{fid}.md",
            mime="text/markdown",
            key=f"{key}-md",
            width="stretch",
        )
        for section in SECTION_KEYS:
            st.markdown(f"##### {escape_md(section_heading(fiche, section))}")
            text = fiche[f"section_{section}"]
            st.markdown(text if text else "*Rubrique vide dans la fiche.*")
        st.caption(f"Source : {escape_md(fiche['source'])}")
        st.button("Fermer la fiche", key=f"{key}-close", on_click=close_fiche)


def context() -> Context:
    """The context computed by ``app.py`` in this run. Every page starts with this call."""
    _leave_legacy_pages_mode()
    ctx = st.session_state.get("ctx")
    return ctx if isinstance(ctx, Context) else sidebar()


def _leave_legacy_pages_mode() -> None:
    """Run pages through ``app.py``, even when a link opens one of them first.

    A folder named ``pages/`` next to the entry point makes Streamlit start in its legacy
    multipage mode: until some run calls ``st.navigation``, a URL such as ``/fiches`` on a
    freshly started server runs ``pages/fiches.py`` alone (no page config, no shared
    sidebar, the wrong menu). ``st.navigation`` itself turns that mode off for the whole
    process; a page run in legacy mode does the same and asks for a rerun, which then goes
    through ``app.py`` and lands on the requested page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def tiles() -> str | None:
    """The optional online tile layer (``FICHES_TILES=osm`` or ``ign``); none by default."""
    return os.environ.get("FICHES_TILES") or None


def new_map_click(result: dict | None) -> str | None:
    """The tooltip of a click not yet handled, else None (clicks are counted by the map)."""
    count = (result or {}).get("last_object_clicked_count") or 0
    if not count:
        st.session_state["map_click_count"] = 0  # the map was (re)mounted
        return None
    if count == st.session_state.get("map_click_count"):
        return None
    st.session_state["map_click_count"] = count
    return (result or {}).get("last_object_clicked_tooltip")


def record_run_time(seconds: float) -> None:
    """Server time of this run, for benchmarks: kept in the session and, when the
    environment variable ``FICHES_TIMINGS`` names a file, appended to it."""
    st.session_state["run_ms"] = seconds * 1000
    target = os.environ.get("FICHES_TIMINGS")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(f"{seconds * 1000:.1f}\n")
