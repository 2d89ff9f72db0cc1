"""Widgets of « Proposer une fiche »: the proposal form, its draft, sending, the receipt,
and the contributor's private follow-up page (``?suivi=…``)."""

from __future__ import annotations

import functools
import time

import streamlit as st

from fiches.assets import draft_script_url
from fiches.contrib.db import DatabaseUnavailable
from fiches.contrib.proposal import (
    Proposal,
    Vocabulary,
    email_error,
    to_markdown,
    too_fast,
    validate,
    vocabulary,
)
from fiches.contrib.storage import STATUS_LABELS, Conflict, NotFound, RateLimited
from fiches.map_folium import script_json
from fiches.markup import escape_md
from fiches.ui.actions import action_button
from fiches.ui.config import data_dir
from fiches.ui.contrib import (
    DRAFT_PARAM,
    FOLLOW,
    FOLLOW_PARAM,
    FORM,
    HONEYPOT,
    PROPOSER_PATH,
    Fields,
    _notice,
    cs,
    history,
    load_into_state,
    preview,
    proposal_fields,
    proposal_from_state,
    session_key,
    site_url,
)
from fiches.ui.data import database_available, store

# --- the proposal form -------------------------------------------------------------------


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
