"""Widgets of the contributions: the proposal form, its receipt, the follow-up page and
the moderation queue. Decisions are in ``fiches.contrib`` (checks, conversion, storage,
passwords); this module wires them to widgets.

One set of field widgets serves three forms, told apart by the prefix of their keys
(``Fields``): the contributor's form (``p_``), their edit after « modifications
demandées » (``s_``) and the moderators' corrections (``m_``).
"""

from __future__ import annotations

import functools
import logging
import secrets as secrets_module
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import streamlit as st
from streamlit_folium import st_folium

from fiches.assets import draft_script_url
from fiches.contrib import auth
from fiches.contrib.db import DatabaseUnavailable
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
    email_error,
    fr_datetime,
    published_payload,
    search_communes,
    section_field,
    to_markdown,
    too_fast,
    validate,
    vocabulary,
)
from fiches.contrib.storage import STATUS_LABELS, TRANSITIONS, Conflict, NotFound, RateLimited
from fiches.corpus import Corpus, contributed_tables
from fiches.map_folium import script_json
from fiches.markup import escape_md
from fiches.render import fiche_facts
from fiches.schema import SECTIONS
from fiches.text import fr_int
from fiches.ui import config
from fiches.ui.actions import action_button
from fiches.ui.config import data_dir
from fiches.ui.data import database_available, secrets, store
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


# --- the proposal form -------------------------------------------------------------------


def session_key() -> str:
    """This browser session's key for the hourly limit and the sign-in throttle (random,
    kept for the session's life)."""
    if not cs.session_key:
        cs.session_key = secrets_module.token_urlsafe(16)
    return cs.session_key


def client_address() -> str:
    """The client's address for the sign-in throttle (``auth.client_address``)."""
    try:
        forwarded = st.context.headers.get("X-Forwarded-For", "")
        peer = st.context.ip_address or ""
    except Exception:  # no request (AppTest)
        forwarded, peer = "", ""
    return auth.client_address(forwarded, peer, config.trusted_proxies())


def site_url(path: str, **params: str) -> str:
    """The address of a page of this site (for the private links)."""
    from urllib.parse import urlencode, urlsplit

    try:
        base = urlsplit(st.context.url or "")
        root = f"{base.scheme}://{base.netloc}" if base.netloc else ""
    except Exception:  # no request (AppTest)
        root = ""
    return f"{root}/{path}?{urlencode(params)}"


def _draft_payload() -> dict:
    payload = proposal_from_state(FORM).to_payload()
    payload["email"] = (st.session_state.get(FORM.key("email")) or "").strip()
    return payload


def open_draft_link(token: str) -> None:
    """On the first run with ``?brouillon=…``: the receipt if that draft was sent, else its
    text in the form."""
    if cs.draft_loaded == token:
        return
    cs.draft_loaded = token
    try:
        sent = store().proposal_of_draft(token)
        payload = None if sent else store().load_draft(token)
    except DatabaseUnavailable as exc:
        cs.notice = ("warning", f"Le brouillon ne peut pas être rouvert : {exc}")
        cs.unavailable = True
        return
    if sent:
        cs.receipt = sent
    elif payload is None:
        cs.notice = ("info", "Ce brouillon n'existe plus : la fiche repart d'un formulaire vide.")
        return
    else:
        load_into_state(FORM, Proposal.from_payload(payload), str(payload.get("email") or ""))
        cs.saved_payload = _draft_payload()
    cs.draft_token = token


def save_draft() -> None:
    """Keep what is typed (server side) under the draft's private link."""
    payload = _draft_payload()
    if payload == cs.saved_payload or (
        Proposal.from_payload(payload).is_empty() and not payload["email"]
    ):
        return
    if not database_available():  # not waiting seconds on every run; « Envoyer » tries
        cs.unavailable = True
        return
    try:
        token = store().save_draft(cs.draft_token, payload)
    except DatabaseUnavailable:
        cs.unavailable = True
        return
    cs.unavailable = False
    cs.draft_token, cs.saved_payload = token, payload
    cs.draft_loaded = token
    if st.query_params.get(DRAFT_PARAM) != token:
        st.query_params[DRAFT_PARAM] = token


def send(vocab: Vocabulary, titles: list[str]) -> None:
    """« Envoyer » : checks, then one transaction; the receipt only once it is stored."""
    cs.tried = True
    cs.notice = None
    proposal = proposal_from_state(FORM)
    email = (st.session_state.get(FORM.key("email")) or "").strip()
    errors = validate(proposal, vocab, titles=titles)
    if message := email_error(email):
        errors["email"] = message
    if errors:
        cs.notice = ("error", "La proposition n'est pas envoyée : corrigez les champs signalés.")
        return
    if st.session_state.get(HONEYPOT):
        cs.notice = ("error", "Envoi refusé.")
        return
    if too_fast(cs.opened_at or time.time(), time.time()):
        cs.notice = (
            "warning",
            "Envoi trop rapide : relisez votre proposition, puis envoyez-la dans quelques"
            " secondes.",
        )
        return
    try:
        if cs.draft_token is None:  # never saved (the database was down): a token now
            cs.draft_token = store().save_draft(None, _draft_payload())
        cs.receipt = store().submit(
            proposal.to_payload(), email, session=session_key(), draft_token=cs.draft_token
        )
        cs.unavailable = False
    except RateLimited as exc:
        cs.notice = ("warning", str(exc))
    except DatabaseUnavailable as exc:
        cs.unavailable = True
        cs.notice = (
            "error",
            f"La proposition n'est pas envoyée : {exc} Votre texte reste dans cette page ;"
            " vous pouvez aussi le télécharger.",
        )


def _new_proposal() -> None:
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith(FORM.prefix):
            del st.session_state[key]
    if DRAFT_PARAM in st.query_params:
        del st.query_params[DRAFT_PARAM]
    cs.draft_loaded = ""  # the link is gone: nothing to reopen


def _notice(notice: tuple[str, str] | None) -> None:
    if notice:
        kind, text = notice
        getattr(st, kind)(escape_md(text))


def receipt(proposal_id: int, follow_token: str) -> None:
    link = site_url(PROPOSER_PATH, **{FOLLOW_PARAM: follow_token})
    with st.container(border=True, key="contrib-receipt"):
        st.success(f"Proposition n° {proposal_id} enregistrée. Merci !")
        st.markdown(
            "Elle sera relue par les modérateurs avant d'être publiée sur la carte. Gardez ce "
            "lien privé : il montre l'état de votre proposition et le message des modérateurs,"
            " et permet de la modifier s'ils vous le demandent."
        )
        st.markdown(f"[Suivre ma proposition]({link})")
        st.code(link, language=None)
    action_button("Proposer une autre fiche", key="contrib-new", on_click=_new_proposal)


def proposal_form(ctx) -> None:
    """The « Proposer une fiche » form, its draft, its checks and its receipt."""
    vocab = vocabulary(data_dir())
    token = st.query_params.get(DRAFT_PARAM)
    if token:
        open_draft_link(token)
    if cs.receipt:
        receipt(*cs.receipt)
        return
    if cs.opened_at is None:
        cs.opened_at = time.time()
    session_key()
    titles = list(ctx.corpus.fiches["titre"])
    proposal = proposal_from_state(FORM)
    errors = validate(proposal, vocab, titles=titles) if cs.tried else {}
    if cs.tried and (message := email_error(st.session_state.get(FORM.key("email")) or "")):
        errors["email"] = message
    _notice(cs.notice)
    with st.container(key="contrib-form"):
        proposal_fields(FORM, vocab, ctx.corpus, errors)
        st.text_input("Ne pas remplir ce champ", key=HONEYPOT, label_visibility="collapsed")
    save_draft()
    if cs.unavailable:
        st.warning(
            "La base de données est injoignable : votre texte n'est pas encore enregistré. Il "
            "reste dans cette page ; téléchargez-le pour le garder."
        )
    elif cs.draft_token:
        st.caption(
            "Brouillon enregistré. Pour le reprendre plus tard, gardez l'adresse de cette page "
            f"(lien privé) : {escape_md(site_url(PROPOSER_PATH, **{DRAFT_PARAM: cs.draft_token}))}"
        )
    with st.container(horizontal=True):
        action_button(
            "Envoyer la proposition",
            key="contrib-send",
            on_click=send,
            args=(vocab, titles),
            type="primary",
            icon=":material/send:",
        )
        st.download_button(
            "Télécharger le texte (Markdown)",
            functools.partial(to_markdown, proposal, vocab),
            file_name="proposition-de-fiche.md",
            mime="text/markdown",
            icon=":material/download:",
            key="contrib-download",
        )
    draft_script(FORM, cs.draft_token)


def text_hash(text: str) -> str:
    """FNV-1a (32 bits) over UTF-16 code units: the same function as ``draft.js``'s."""
    return _text_hash(text)


@functools.lru_cache(maxsize=512)
def _text_hash(text: str) -> str:
    h = 0x811C9DC5
    data = text.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"


def draft_script(fields: Fields, token: str | None) -> None:
    """``static/js/draft.js``: a copy of the text fields in the browser (localStorage) under
    the draft's token, so that a reload in the middle of typing keeps the text the server
    has not received yet. ``saved``: what the server holds, by hash."""
    state = st.session_state
    keys = fields.text_keys()
    call = {
        "token": token or "",
        "fields": keys,
        "saved": {k: text_hash(state.get(k) or "") for k in keys},
        "run": time.monotonic_ns(),
    }
    st.html(
        f'<script src="{draft_script_url()}"></script>'
        "<script>(window.ficheDraftCalls = window.ficheDraftCalls || [])"
        f".push({script_json(call)});window.FicheDraft && FicheDraft.flush();</script>",
        unsafe_allow_javascript=True,
    )


# --- the follow-up page ----------------------------------------------------------------------


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


def _resend(token: str, version: int, vocab: Vocabulary, titles: list[str]) -> None:
    proposal = proposal_from_state(FOLLOW)
    errors = validate(proposal, vocab, titles=titles)
    if errors:
        cs.follow_notice = ("error", "Non renvoyée : " + " ".join(errors.values()))
        return
    try:
        store().resubmit(token, proposal.to_payload(), seen_version=version)
    except (Conflict, ValueError, NotFound, DatabaseUnavailable) as exc:
        cs.follow_notice = ("error", str(exc))
        return
    cs.follow_notice = (
        "success",
        "Proposition renvoyée : elle attend à nouveau la relecture des modérateurs.",
    )


def follow_up(ctx, token: str) -> None:
    """The private follow-up page of a proposal: status, message, history; edit and send
    again after « modifications demandées »."""
    vocab = vocabulary(data_dir())
    try:
        record = store().by_follow_token(token)
        decisions = store().history(record.id) if record else []
    except DatabaseUnavailable as exc:
        st.error(escape_md(str(exc)))
        return
    if record is None:
        st.warning("Ce lien de suivi ne correspond à aucune proposition.")
        return
    st.subheader(f"Suivi de la proposition n° {record.id}", anchor=False)
    st.markdown(f"**État** : {escape_md(STATUS_LABELS[record.status])}")
    if record.message:
        st.info("Message des modérateurs : " + escape_md(record.message))
    _notice(cs.follow_notice)
    proposal = Proposal.from_payload(record.payload)
    titles = [t for t in ctx.corpus.fiches["titre"] if t != proposal.titre]
    if record.status == "modifications_demandees":
        if cs.follow_loaded != (token, record.version):
            load_into_state(FOLLOW, proposal)
            cs.follow_loaded = (token, record.version)
        st.markdown("Modifiez votre proposition, puis renvoyez-la.")
        proposal_fields(
            FOLLOW, vocab, ctx.corpus, validate(proposal_from_state(FOLLOW), vocab), email=False
        )
        action_button(
            "Renvoyer la proposition",
            key="follow-send",
            on_click=_resend,
            args=(token, record.version, vocab, titles),
            type="primary",
        )
    else:
        st.markdown("**Aperçu de la fiche**")
        preview(proposal, vocab, ctx.corpus, proposal_id=record.id)
    st.markdown("**Historique**")
    history(decisions, moderators=False)


# --- moderation ------------------------------------------------------------------------------


def _throttle_keys() -> list[str]:
    address = client_address()
    return [f"session:{session_key()}", *([f"adresse:{address}"] if address else [])]


def _sign_in(hashed: str) -> None:
    name = (st.session_state.get("m_login_name") or "").strip()
    password = st.session_state.get("m_login_password") or ""
    st.session_state["m_login_password"] = ""
    keys = _throttle_keys()
    try:
        if auth.throttled(store(), keys):
            cs.login_notice = ("error", auth.THROTTLED_TEXT)
            return
        if not auth.verify_password(hashed, password):
            for key in keys:
                store().failed_login(key)
            cs.login_notice = ("error", auth.WRONG_PASSWORD_TEXT)
            return
    except DatabaseUnavailable as exc:
        cs.login_notice = ("error", str(exc))
        return
    cs.login_notice = None
    cs.moderator = name or "modération"
    cs.moderator_seen = datetime.now(UTC)


def _sign_out() -> None:
    cs.moderator = ""
    cs.moderator_seen = None


def _still_signed_in() -> bool:
    """Whether this session's moderator is signed in and was active in the last 8 hours;
    an idle session is signed out here, with a notice. Called by the page and by every
    moderator's button (Streamlit runs a button's callback before the page)."""
    if (
        cs.moderator
        and cs.moderator_seen
        and auth.session_expired(cs.moderator_seen, datetime.now(UTC))
    ):
        _sign_out()
        cs.login_notice = (
            "info",
            "Session de modération expirée après 8 heures sans activité : reconnectez-vous.",
        )
    return bool(cs.moderator)


def signed_in() -> str:
    """The moderator's name when signed in (and not idle for 8 hours), else ""; draws the
    sign-in form when needed."""
    hashed = auth.configured_hash(secrets())
    if not hashed:
        st.info(auth.NOT_CONFIGURED_TEXT)
        return ""
    if _still_signed_in():
        cs.moderator_seen = datetime.now(UTC)
        return cs.moderator
    _notice(cs.login_notice)
    with st.form("moderation-login", border=True):
        st.text_input("Votre nom (pour l'historique des décisions)", key="m_login_name")
        st.text_input("Mot de passe de modération", key="m_login_password", type="password")
        st.form_submit_button("Entrer", on_click=_sign_in, args=(hashed,), type="primary")
    return ""


def _decide(record_id: int, version: int, action: str, vocab: Vocabulary, taken: list[str]):
    """A moderator's button: the decision, with the corrections of the form."""
    if not _still_signed_in():
        return  # expired: nothing is decided; the page asks to sign in again
    edited = proposal_from_state(MODERATION)
    message = st.session_state.get("m_message") or ""
    changed = edited.to_payload() != st.session_state.get("m_loaded_payload")
    publishes = action == "accepter" or (
        action == "corriger" and st.session_state.get("m_record_status") == "publiee"
    )
    if (publishes or action == "corriger") and (errors := validate(edited, vocab)):
        cs.mod_notice = ("error", "Non enregistré : " + " ".join(errors.values()))
        return
    if publishes:  # the rows of the fiche, built now (see ``proposal.publication``)
        payload = published_payload(edited, proposal_id=record_id, taken=taken, vocab=vocab)
    else:
        payload = edited.to_payload() if changed or action == "corriger" else None
    try:
        store().decide(
            record_id,
            seen_version=version,
            action=action,
            moderator=cs.moderator,
            message=message,
            payload=payload,
        )
    except Conflict as exc:
        cs.mod_notice = ("error", str(exc))
        cs.loaded = None  # show what the other moderator did
        return
    except (ValueError, NotFound, DatabaseUnavailable) as exc:
        cs.mod_notice = ("error", str(exc))
        return
    st.session_state["m_message"] = ""
    cs.loaded = None
    done = {
        "accepter": "Proposition acceptée : la fiche est publiée sur la carte.",
        "demander_modifications": "Modifications demandées : le message est sur le lien de suivi.",
        "refuser": "Proposition refusée.",
        "retirer": "Fiche retirée de la publication.",
        "corriger": "Corrections enregistrées.",
    }
    cs.mod_notice = ("success", done[action])


ACTION_BUTTONS = {
    "accepter": "Accepter et publier",
    "corriger": "Enregistrer les corrections",
    "demander_modifications": "Demander des modifications",
    "refuser": "Refuser",
    "retirer": "Retirer de la publication",
}


def moderation_queue(ctx, moderator: str) -> None:
    """Proposals by status, the selected one previewed as its public fiche, corrections,
    decisions and history."""
    vocab = vocabulary(data_dir())
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"Connecté : **{escape_md(moderator)}**")
        action_button("Se déconnecter", key="m-sign-out", on_click=_sign_out)
        action_button(
            "Actualiser la liste",
            key="m-refresh",
            on_click=lambda: None,  # a run reads the queue again
            icon=":material/refresh:",
        )
    try:
        counts = store().status_counts()
        shown = store().queue([cs.status], limit=cs.queue_size)
        selected = store().get(cs.selected) if cs.selected is not None else None
    except DatabaseUnavailable as exc:
        st.error(escape_md(str(exc)))
        return
    st.radio(
        "Propositions",
        list(STATUS_LABELS),
        key=ContribSession.status.key,
        format_func=lambda s: f"{STATUS_LABELS[s].capitalize()} ({counts[s]})",
        horizontal=True,
    )
    if not shown:
        st.info("Aucune proposition dans cet état.")
    for r in shown:
        title = Proposal.from_payload(r.payload).titre or "(sans titre)"
        action_button(
            f"n° {r.id} — {escape_md(title)} — déposée le {fr_datetime(r.created_at)}",
            key=f"m-open-{r.id}",
            on_click=lambda rid=r.id: setattr(cs, "selected", rid),
            type="primary" if r.id == cs.selected else "secondary",
            width="stretch",
        )
    if counts[cs.status] > len(shown):
        st.caption(f"Les {len(shown)} plus anciennes sur {fr_int(counts[cs.status])}.")
        action_button(
            f"Afficher {QUEUE_PAGE} de plus",
            key="m-more",
            on_click=lambda: setattr(cs, "queue_size", cs.queue_size + QUEUE_PAGE),
        )
    record = selected  # shown whatever its status (it may just have been decided)
    _notice(cs.mod_notice)
    if record is None:
        return
    moderation_detail(ctx, record, vocab)


def moderation_detail(ctx, record, vocab: Vocabulary) -> None:
    st.divider()
    st.subheader(f"Proposition n° {record.id} : {STATUS_LABELS[record.status]}", anchor=False)
    proposal = Proposal.from_payload(record.payload)
    if cs.loaded != (record.id, record.version):
        load_into_state(MODERATION, proposal)
        st.session_state["m_loaded_payload"] = proposal.to_payload()
        cs.loaded = (record.id, record.version)
    st.session_state["m_record_status"] = record.status
    st.caption(
        f"Déposée le {fr_datetime(record.created_at)} ; contact (modérateurs seulement) : "
        f"{escape_md(record.email) or 'effacé'}"
    )
    edited = proposal_from_state(MODERATION)
    own = edited.fiche_id
    taken = [fid for fid in ctx.corpus.ids if fid != own]
    left, right = st.columns(2, gap="medium")
    with left:
        st.markdown("**Aperçu, tel que la fiche sera publiée**")
        preview(edited, vocab, ctx.corpus, proposal_id=record.id, published_at=record.published_at)
    with right:
        st.markdown("**Corriger**")
        proposal_fields(MODERATION, vocab, ctx.corpus, validate(edited, vocab), email=False)
    st.text_area(
        "Message à la personne qui propose (obligatoire pour demander des modifications ou "
        "refuser ; montré sur son lien de suivi)",
        key="m_message",
    )
    with st.container(horizontal=True):
        for action, label in ACTION_BUTTONS.items():
            if record.status in TRANSITIONS[action][0]:
                action_button(
                    label,
                    key=f"m-{action}",
                    on_click=_decide,
                    args=(record.id, record.version, action, vocab, taken),
                    type="primary" if action == "accepter" else "secondary",
                )
    st.markdown("**Historique**")
    try:
        history(store().history(record.id), moderators=True)
    except DatabaseUnavailable as exc:
        st.error(escape_md(str(exc)))
