"""Pieces shared by the contributions' pages (``proposer``, ``moderation``): the session
slots, the field widgets and their state, the pickers, the preview as the public fiche, the
history, the notices and the private links. Decisions are in ``fiches.contrib`` (checks,
conversion, storage, passwords); these modules wire them to widgets.

One set of field widgets serves three forms, told apart by the prefix of their keys
(``Fields``): the contributor's form (``p_``), their edit after « modifications
demandées » (``s_``) and the moderators' corrections (``m_``).
"""

from __future__ import annotations

import logging
import secrets as secrets_module
from dataclasses import dataclass
from datetime import datetime

import streamlit as st
from streamlit_folium import st_folium

from fiches.contrib.picker import FRAME_HEIGHT, commune_outline, picker_map
from fiches.contrib.proposal import (
    ACTION_LABELS,
    MAX_SECTION_CHARS,
    MAX_THEMES,
    Porteur,
    Proposal,
    Vocabulary,
    changed_fields,
    contributed_rows,
    fr_datetime,
    search_communes,
    section_field,
)
from fiches.corpus import Corpus, contributed_tables
from fiches.markup import escape_md
from fiches.render import fiche_facts
from fiches.schema import SECTIONS
from fiches.ui.actions import action_button
from fiches.ui.panel import fiche_header, fiche_sections
from fiches.ui.state import _Slot

log = logging.getLogger(__name__)
PROPOSER_PATH = "proposer"
DRAFT_PARAM, FOLLOW_PARAM = "brouillon", "suivi"  # listed in urlstate.PAGE_PARAMS
HONEYPOT = "p_site_web"  # hidden by static/css/app.css
MAX_PORTEURS = 12


class ContribSession:
    """The contributions' session keys (the form widgets' keys are ``Fields``')."""

    draft_token: _Slot[str | None] = _Slot("p_draft_token", None)
    draft_loaded: _Slot[str | None] = _Slot("p_draft_loaded", None)  # token read from URL
    saved_payload: _Slot[dict | None] = _Slot("p_saved_payload", None)
    opened_at: _Slot[float | None] = _Slot("p_opened_at", None)  # the form first drawn
    tried = _Slot("p_tried", False)  # a send was attempted: checks shown as one types
    notice: _Slot[tuple[str, str] | None] = _Slot("p_notice", None)  # (kind, French text)
    unavailable = _Slot("p_unavailable", False)  # the last database call failed
    receipt: _Slot[tuple[int, str] | None] = _Slot("p_receipt", None)  # (id, follow token)
    follow_loaded: _Slot[tuple | None] = _Slot("s_loaded", None)  # (token, version)
    follow_notice: _Slot[tuple[str, str] | None] = _Slot("s_notice", None)
    moderator = _Slot("m_moderator", "")  # name of the signed-in moderator
    moderator_seen: _Slot[datetime | None] = _Slot("m_seen", None)
    login_notice: _Slot[tuple[str, str] | None] = _Slot("m_login_notice", None)
    status = _Slot("m_status", "en_attente")
    selected: _Slot[int | None] = _Slot("m_selected", None)
    loaded: _Slot[tuple[int, int] | None] = _Slot("m_loaded", None)  # (id, version) in form
    mod_notice: _Slot[tuple[str, str] | None] = _Slot("m_notice", None)
    queue_size = _Slot("m_queue_size", 50)  # proposals listed in the chosen status
    session_key = _Slot("contrib_session", "")


cs = ContribSession()
QUEUE_PAGE = 50


# --- the field widgets ---------------------------------------------------------------------


@dataclass(frozen=True)
class Fields:
    """The widget keys of one form of a proposal."""

    prefix: str

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def section(self, key: str) -> str:
        return self.key(f"section_{key}")

    def porteur(self, i: int) -> tuple[str, str]:
        return self.key(f"porteur_nom_{i}"), self.key(f"porteur_type_{i}")

    def text_keys(self) -> list[str]:
        """The text widgets (what ``draft.js`` keeps in the browser as one types)."""
        porteurs = [self.porteur(i)[0] for i in range(st.session_state.get(self.n_key, 1))]
        return [
            self.key("titre"),
            *(self.section(s.key) for s in SECTIONS),
            self.key("periode"),
            self.key("lieu"),
            self.key("email"),
            *porteurs,
        ]

    @property
    def n_key(self) -> str:
        return self.key("porteurs_n")


FORM, FOLLOW, MODERATION = Fields("p_"), Fields("s_"), Fields("m_")


def load_into_state(fields: Fields, proposal: Proposal, email: str = "") -> None:
    """Put a proposal into the widgets of ``fields``."""
    state = st.session_state
    state[fields.key("titre")] = proposal.titre
    for s in SECTIONS:
        state[fields.section(s.key)] = proposal.sections.get(s.key, "")
    state[fields.key("bailleurs")] = list(proposal.bailleurs)
    state[fields.n_key] = max(1, len(proposal.porteurs))
    for i in range(MAX_PORTEURS):
        nom, kind = fields.porteur(i)
        p = proposal.porteurs[i] if i < len(proposal.porteurs) else None
        state[nom] = p.nom if p else ""
        state[kind] = p.type if p else None
    state[fields.key("themes")] = list(proposal.themes)
    state[fields.key("periode")] = proposal.periode
    state[fields.key("annee")] = proposal.annee_debut
    state[fields.key("communes")] = list(proposal.communes)
    state[fields.key("lieu")] = proposal.lieu
    state[fields.key("point")] = proposal.point
    state[fields.key("email")] = email
    state[fields.key("fiche_id")] = proposal.fiche_id


def proposal_from_state(fields: Fields) -> Proposal:
    """The proposal the widgets of ``fields`` hold."""
    state = st.session_state
    porteurs = []
    for i in range(state.get(fields.n_key, 1)):
        nom, kind = fields.porteur(i)
        if (state.get(nom) or "").strip() or state.get(kind):
            porteurs.append(Porteur((state.get(nom) or "").strip(), state.get(kind) or ""))
    year = state.get(fields.key("annee"))
    return Proposal(
        titre=(state.get(fields.key("titre")) or "").strip(),
        sections={s.key: state.get(fields.section(s.key)) or "" for s in SECTIONS},
        bailleurs=list(state.get(fields.key("bailleurs")) or []),
        porteurs=porteurs,
        themes=list(state.get(fields.key("themes")) or []),
        periode=(state.get(fields.key("periode")) or "").strip(),
        annee_debut=int(year) if year is not None else None,
        communes=list(state.get(fields.key("communes")) or []),
        lieu=(state.get(fields.key("lieu")) or "").strip(),
        point=state.get(fields.key("point")),
        fiche_id=state.get(fields.key("fiche_id")) or "",
    )


def _error(errors: dict[str, str], name: str) -> None:
    if name in errors:
        st.error(escape_md(errors[name]), icon=":material/error:")


def _add_porteur(fields: Fields) -> None:
    st.session_state[fields.n_key] = min(MAX_PORTEURS, st.session_state.get(fields.n_key, 1) + 1)


def _remove_porteur(fields: Fields) -> None:
    n = st.session_state.get(fields.n_key, 1)
    nom, kind = fields.porteur(n - 1)
    st.session_state[nom], st.session_state[kind] = "", None
    st.session_state[fields.n_key] = max(1, n - 1)


def _clear_point(fields: Fields) -> None:
    st.session_state[fields.key("point")] = None


def proposal_fields(
    fields: Fields,
    vocab: Vocabulary,
    corpus: Corpus,
    errors: dict[str, str],
    *,
    email: bool = True,
) -> None:
    """Every field of a proposal, in the fiche-type's order, each with its French message."""
    state = st.session_state
    st.text_input(
        "Titre de l'action",
        key=fields.key("titre"),
        max_chars=200,
        placeholder="ex. Jardins partagés au pied des immeubles (Vierzon)",
    )
    _error(errors, "titre")
    st.subheader("Rubriques de la fiche", anchor=False)
    st.caption(
        "Une ligne par paragraphe ; une ligne commençant par « - » est un élément de liste. "
        "Les adresses web (http, https) deviennent des liens. Rubriques obligatoires : "
        "« Quoi ? » et « Comment ? »."
    )
    for s in SECTIONS:
        required = " (obligatoire)" if s.key in ("objet", "comment") else ""
        st.text_area(
            f"{s.heading}{required}",
            key=fields.section(s.key),
            max_chars=MAX_SECTION_CHARS,
            height=120 if s.key in ("objet", "comment", "pourquoi") else 80,
        )
        _error(errors, section_field(s.key))

    st.subheader("Qui ? Bailleurs et porteurs", anchor=False)
    known = list(dict.fromkeys([*vocab.bailleurs, *corpus.options("bailleurs")]))
    chosen = [b for b in state.get(fields.key("bailleurs")) or [] if b not in known]
    st.multiselect(
        "Bailleur(s) social(aux)",
        [*known, *chosen],
        key=fields.key("bailleurs"),
        accept_new_options=True,
        select_all=False,  # Streamlit's English « Select all »
        placeholder="Choisir ou saisir un nom",
        help="Choisissez dans la liste ou saisissez le nom d'un autre bailleur.",
    )
    _error(errors, "bailleurs")
    for i in range(state.get(fields.n_key, 1)):
        nom, kind = fields.porteur(i)
        left, right = st.columns([3, 2])
        left.text_input(f"Porteur {i + 1} : nom", key=nom, max_chars=200)
        right.selectbox(
            f"Porteur {i + 1} : type",
            list(vocab.types_porteurs),
            key=kind,
            index=None,
            placeholder="Choisir un type",
        )
    with st.container(horizontal=True):
        action_button(
            "Ajouter un porteur",
            key=fields.key("porteur_plus"),
            on_click=_add_porteur,
            args=(fields,),
            icon=":material/add:",
        )
        if state.get(fields.n_key, 1) > 1:
            action_button(
                "Retirer le dernier porteur",
                key=fields.key("porteur_moins"),
                on_click=_remove_porteur,
                args=(fields,),
                icon=":material/remove:",
            )
    _error(errors, "porteurs")

    st.subheader("Thèmes et période", anchor=False)
    st.multiselect(
        f"Thèmes (1 à {MAX_THEMES})",
        list(vocab.themes),
        key=fields.key("themes"),
        format_func=lambda t: vocab.themes.get(t, t),
        max_selections=MAX_THEMES,
        placeholder="Choisir",
        select_all=False,
    )
    _error(errors, "themes")
    left, right = st.columns([3, 2])
    left.text_input(
        "Période", key=fields.key("periode"), max_chars=200, placeholder="ex. depuis 2019"
    )
    right.number_input(
        "Année de début", key=fields.key("annee"), min_value=1900, max_value=2100, step=1,
        value=None, placeholder="ex. 2019",
    )  # fmt: skip
    _error(errors, "periode")
    _error(errors, "annee_debut")

    st.subheader("Où ? Communes et lieu", anchor=False)
    commune_picker(fields, vocab)
    _error(errors, "communes")
    st.text_input(
        "Quartier ou adresse (facultatif)",
        key=fields.key("lieu"),
        max_chars=200,
        placeholder="ex. quartier des Forges, 12 rue des Jardins",
    )
    _error(errors, "lieu")
    position_picker(fields, vocab, corpus)
    _error(errors, "point")
    if email:
        st.subheader("Contact", anchor=False)
        st.text_input(
            "Votre adresse électronique",
            key=fields.key("email"),
            max_chars=254,
            help="Vue des seuls modérateurs, jamais publiée ni exportée (voir À propos).",
        )
        _error(errors, "email")


def commune_picker(fields: Fields, vocab: Vocabulary) -> None:
    """Communes from the gazetteer: a search by name (accents, case and hyphens ignored,
    as the sidebar's search) offers its matches in the list of chosen communes."""
    state = st.session_state
    query = st.text_input(
        "Chercher une commune",
        key=fields.key("commune_q"),
        placeholder="ex. joue les tours",
        help="Tapez le début du nom, puis choisissez la commune dans la liste ci-dessous.",
    )
    chosen = list(state.get(fields.key("communes")) or [])
    found = [c.code for c in search_communes(query)] if query else []
    options = list(dict.fromkeys([*chosen, *found]))
    if query and not found:
        st.caption("Aucune commune de ce nom.")
    st.multiselect(
        "Commune(s) de l'action",
        options,
        key=fields.key("communes"),
        format_func=vocab.commune_label,
        select_all=False,
        placeholder="Choisir dans les communes trouvées" if found else "Cherchez une commune",
    )


def position_picker(fields: Fields, vocab: Vocabulary, corpus: Corpus) -> None:
    """The optional position, placed with a click on a small map of the chosen communes."""
    state = st.session_state
    codes = list(state.get(fields.key("communes")) or [])
    communes = [c for c in (vocab.commune(code) for code in codes) if c]
    point = state.get(fields.key("point"))
    st.markdown("**Position sur la carte (facultatif)**")
    st.caption(
        "Cliquez sur la carte pour placer l'action ; elle sera montrée comme « position "
        "indiquée par le contributeur ». Sans position, l'action est placée à la commune."
    )
    first = next((c for c in communes if c.lat is not None), None)
    deps = corpus.contours_of("departement")
    shapes = [g for g in (commune_outline(c.code) for c in communes) if g]
    m = picker_map(
        center=tuple(point) if point else ((first.lat, first.lon) if first else None),
        outlines=shapes,
        departements=[deps[c.departement] for c in communes if c.departement in deps],
        point=tuple(point) if point else None,
    )
    result = st_folium(
        m,
        key=fields.key("map"),
        height=FRAME_HEIGHT,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
    clicked = (result or {}).get("last_clicked")
    if clicked and clicked != state.get(fields.key("map_click")):
        state[fields.key("map_click")] = clicked
        state[fields.key("point")] = (round(clicked["lat"], 5), round(clicked["lng"], 5))
        st.rerun()
    if point:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"Position indiquée : {point[0]:.5f}, {point[1]:.5f}")
            action_button(
                "Effacer la position",
                key=fields.key("point_clear"),
                on_click=_clear_point,
                args=(fields,),
            )


# --- preview: the proposal as its public fiche ----------------------------------------------


def preview(
    proposal: Proposal,
    vocab: Vocabulary,
    corpus: Corpus,
    *,
    proposal_id: int,
    published_at: datetime | None = None,
) -> None:
    """The proposal exactly as the public fiche will read (the panel's own rendering)."""

    @dataclass
    class _Record:
        id: int
        payload: dict
        published_at: datetime | None

    record = _Record(proposal_id, proposal.to_payload(), published_at)
    taken = [fid for fid in corpus.ids if fid != proposal.fiche_id]
    rows = contributed_rows([record], taken=taken, vocab=vocab)
    fiches, places, _ = contributed_tables(rows.fiches, rows.places)
    if fiches.empty:
        st.info("Aperçu impossible : le titre manque.")
        return
    fiche = fiches.iloc[0]
    theme_labels = {t: corpus.theme_label(t) for t in corpus.themes}
    with st.container(border=True, key=f"preview-{proposal_id}"):
        facts = fiche_facts(fiche, places, theme_labels)
        fiche_header(fiche, facts, origin=rows.origins[fiche["id"]])
        fiche_sections(fiche)


# --- notices, links and the history --------------------------------------------------------


def session_key() -> str:
    """This browser session's key for the hourly limit and the sign-in throttle (random,
    kept for the session's life)."""
    if not cs.session_key:
        cs.session_key = secrets_module.token_urlsafe(16)
    return cs.session_key


def site_url(path: str, **params: str) -> str:
    """The address of a page of this site (for the private links)."""
    from urllib.parse import urlencode, urlsplit

    try:
        base = urlsplit(st.context.url or "")
        root = f"{base.scheme}://{base.netloc}" if base.netloc else ""
    except Exception:  # no request (AppTest)
        root = ""
    return f"{root}/{path}?{urlencode(params)}"


def _notice(notice: tuple[str, str] | None) -> None:
    if notice:
        kind, text = notice
        getattr(st, kind)(escape_md(text))


def history(decisions, *, moderators: bool) -> None:
    """Every action on a proposal, oldest first, one line each (who and what changed for
    the moderators only)."""
    lines = []
    for d in decisions:
        line = f"{fr_datetime(d.at)} : {ACTION_LABELS.get(d.action, d.action)}"
        if moderators:
            line += f", par {d.moderator or 'la personne qui propose'}"
            if fields := changed_fields(d.changes):
                line += f" (modifié : {fields})"
        if d.message:
            line += f" — « {d.message} »"
        lines.append(f"- {escape_md(line)}")
    with st.container(key="contrib-history"):
        st.markdown("\n".join(lines) or "Aucune action.")
