"""The list of filtered fiches, the count line and the detail panel of one fiche."""

from __future__ import annotations

from functools import partial

import streamlit as st

from fiches.excerpts import excerpts
from fiches.markup import escape_md
from fiches.render import fiche_facts, fiche_html, fiche_markdown, section_heading
from fiches.schema import SECTION_KEYS
from fiches.text import actions, fr_int
from fiches.ui.actions import action_button
from fiches.ui.chrome import stop
from fiches.ui.state import (
    MAP_SELECTOR,
    PAGE_SIZE,
    Context,
    add_to_comparison,
    close_fiche,
    remove_filters_of_excluded,
    reopen_excluded,
    select_fiche,
    session,
    show_on_map,
)


def count_line(ctx: Context) -> str:
    """« N actions sur T »: T counts every fiche the data holds."""
    return f"**{actions(len(ctx.filtered))} sur {fr_int(ctx.corpus.total_in_file)}**"


def page_heading(ctx: Context, title: str, *, caption: str = "", empty: str = "") -> None:
    """A page's title, the count of the selection and its help; with ``empty``, the
    message that ends the run when no action is selected."""
    st.title(title, anchor=False)
    st.markdown(count_line(ctx))
    if caption:
        st.caption(caption)
    if empty and ctx.filtered.empty:
        st.info(empty)
        stop()


def data_notices(ctx: Context) -> None:
    """Said at the top of every page: what the load left out (damaged rows), what a link
    asked for that could not be kept, and the fiche the filters just closed.

    One container, drawn on every run: what it holds changes, the place of the page's
    elements does not (a moved map would be rebuilt, its view lost)."""
    with st.container(key="page-notices"):
        _notices(ctx)


def _notices(ctx: Context) -> None:
    for notice in ctx.corpus.notices:
        st.warning(escape_md(notice), icon=":material/warning:")
    notices = session.url_notices
    if notices:
        st.info(
            "Lien partiellement repris : " + escape_md(" ; ".join(notices[:5])) + ".",
            icon=":material/link_off:",
        )
    excluded = session.excluded
    if excluded and not ctx.view.fiche and excluded[0] in ctx.corpus.fiches.index:
        title = ctx.corpus.fiches.at[excluded[0], "titre"]
        with st.container(key="excluded-fiche", horizontal=True, vertical_alignment="center"):
            st.markdown(f"La fiche « {escape_md(title)} » ne correspond pas aux filtres choisis.")
            action_button(
                "Rouvrir la fiche",
                key="excluded-reopen",
                on_click=reopen_excluded,
                args=(ctx.corpus,),
                help="Retire les filtres qui l'excluent et rouvre la fiche.",
            )
            action_button(
                "Retirer les filtres", key="excluded-reset", on_click=remove_filters_of_excluded
            )


def fiche_list(ctx: Context, key: str, *, panel: str) -> None:
    """The filtered fiches as buttons (the keyboard alternative to the map), paginated;
    with a search, under each one where the words were found (``fiches.excerpts``).

    ``panel``: the key of the panel that opens, brought into view after the click."""
    if ctx.filtered.empty:
        st.info(
            "Aucune action ne correspond à ces filtres. "
            "Élargissez la recherche ou réinitialisez les filtres."
        )
        return
    size = session.list_size
    shown = ctx.filtered.index[:size]
    why = excerpts(ctx.corpus, shown, ctx.state)
    for fid, title in zip(shown, ctx.filtered["titre"][:size], strict=True):
        action_button(
            escape_md(title),
            key=f"{key}-{fid}",
            on_click=select_fiche,
            args=(fid,),
            kwargs={"focus": panel_selector(panel, fid), "back": f".st-key-{key}-{fid} button"},
            type="primary" if fid == ctx.view.fiche else "secondary",
            width="stretch",
        )
        if fid in why:  # escaped text, the match in <mark>
            st.html(why[fid].html())
    if len(ctx.filtered) > size:
        rest = len(ctx.filtered) - size
        action_button(
            f"Afficher plus ({rest} restante{'s' if rest > 1 else ''})",
            key=f"{key}-more",
            on_click=lambda: setattr(session, "list_size", size + PAGE_SIZE * 4),
        )


def share_buttons(*, key: str, embed: bool = True) -> None:
    """« Copier le lien » (and « Intégrer »): copy the view as shown, map position included.

    The link is computed in the browser at the moment of the click (``page.js``), from
    the address bar and the map's displayed centre and zoom.
    """
    buttons = [("link", "Copier le lien")] + ([("embed", "Intégrer")] if embed else [])
    html = "".join(
        f'<button type="button" class="fiche-share" data-fiche-share="{kind}">{label}</button>'
        for kind, label in buttons
    )
    st.html(
        f'<div class="fiche-share-bar" id="share-{key}">{html}'
        '<p class="fiche-share-status" role="status" aria-live="polite"></p></div>'
    )


def panel_key(key: str, fiche_id: str) -> str:
    return f"panel-{key}-{fiche_id}"


def panel_selector(key: str, fiche_id: str) -> str:
    """CSS selector of the panel's title, for the focus after a click."""
    return f".st-key-{panel_key(key, fiche_id)} h2"


def fiche_header(fiche, facts: dict[str, list[str]], *, origin: str = "") -> None:
    """The top of a fiche as it reads: title, facts (``render.fiche_facts``), and, for a
    fiche proposed online, its origin. Shared with the moderators' preview."""
    st.markdown(f"## {escape_md(fiche['titre'])}")
    if origin:
        st.caption(escape_md(origin))
    st.markdown(f"**Bailleur** : {facts['bailleur'][0]}")
    for line in facts["porteurs"]:
        st.markdown(f"**Porteurs** : {line}")
    if facts["themes"]:
        st.markdown(" ".join(f":blue-badge[{label}]" for label in facts["themes"]))
    for line in facts["periode"]:
        st.markdown(f"**Période** : {line}")
    for line in facts["lieux"]:
        st.markdown(line)


def fiche_sections(fiche) -> None:
    """The eleven sections of a fiche, then its source (shared with the preview)."""
    for section in SECTION_KEYS:
        st.markdown(f"### {escape_md(section_heading(fiche, section))}")
        text = fiche[f"section_{section}"]
        st.markdown(text if text else "*Rubrique vide dans la fiche.*")
    st.caption(f"Source : {escape_md(fiche['source'])}")


def fiche_panel(ctx: Context, *, key: str) -> None:
    """The detail panel of the selected fiche."""
    c = ctx.corpus
    fid = ctx.view.fiche
    fiche = c.fiches.loc[fid]
    places = c.places[c.places["fiche_id"] == fid]
    theme_labels = {t: c.theme_label(t) for t in c.themes}
    unread = c.unread_places(fid)
    close = {"on_click": close_fiche, "kwargs": {"focus": MAP_SELECTOR if key == "carte" else ""}}
    with st.container(border=True, key=panel_key(key, fid)):
        facts = fiche_facts(fiche, places, theme_labels, unread=unread)
        # at the top (page.js: Escape presses it), and again after the last section
        action_button(
            "Fermer la fiche",
            key=f"fiche-close-{key}",
            icon=":material/close:",
            help="Touche Échap",
            **close,
        )
        fiche_header(fiche, facts, origin=c.origins.get(fid, ""))
        if not ctx.embed:
            action_button(
                "Voir sur la carte",
                key=f"{key}-voir",
                on_click=show_on_map,
                args=(c, fid),
                width="stretch",
            )
            action_button(
                "Ajouter à la comparaison",
                key=f"{key}-cmp",
                on_click=add_to_comparison,
                args=(fid,),
                width="stretch",
                disabled=fid in session.compared,
            )
            share_buttons(key=f"panel-{key}", embed=False)
            downloads = (
                ("Fiche HTML", fiche_html, "html", "text/html", "Page imprimable de la fiche"),
                (
                    "Markdown",
                    fiche_markdown,
                    "md",
                    "text/markdown",
                    "Texte de la fiche en Markdown",
                ),
            )
            # built on demand, when the button is pressed, not on every rerun
            for col, (label, build, ext, mime, help_text) in zip(
                st.columns(2), downloads, strict=True
            ):
                col.download_button(
                    label,
                    partial(build, fiche, places, theme_labels, unread=unread),
                    icon=":material/download:",
                    help=help_text,
                    file_name=f"{fid}.{ext}",
                    mime=mime,
                    key=f"{key}-{ext}",
                    width="stretch",
                )
        fiche_sections(fiche)
        action_button("Fermer la fiche", key=f"{key}-close", **close)
