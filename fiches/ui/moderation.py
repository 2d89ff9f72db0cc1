"""Widgets of the moderation: sign-in and its throttle, the session's expiry, the queue of
proposals by status, the detail of one and the moderators' decisions."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from fiches.contrib import auth
from fiches.contrib.db import DatabaseUnavailable
from fiches.contrib.proposal import (
    Proposal,
    Vocabulary,
    fr_datetime,
    published_payload,
    validate,
    vocabulary,
)
from fiches.contrib.storage import STATUS_LABELS, TRANSITIONS, Conflict, NotFound
from fiches.markup import escape_md
from fiches.text import counted, fr_int
from fiches.ui import config
from fiches.ui.actions import action_button
from fiches.ui.config import data_dir
from fiches.ui.contrib import (
    MODERATION,
    QUEUE_PAGE,
    ContribSession,
    _notice,
    cs,
    history,
    load_into_state,
    preview,
    proposal_fields,
    proposal_from_state,
    session_key,
)
from fiches.ui.data import secrets, store


def client_address() -> str:
    """The client's address for the sign-in throttle (``auth.client_address``)."""
    try:
        forwarded = st.context.headers.get("X-Forwarded-For", "")
        peer = st.context.ip_address or ""
    except Exception:  # no request (AppTest)
        forwarded, peer = "", ""
    return auth.client_address(forwarded, peer, config.trusted_proxies())


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
    if cs.status not in STATUS_LABELS:  # never a label: see the radio's captions below
        cs.status = "en_attente"
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
        format_func=lambda s: STATUS_LABELS[s].capitalize(),
        # the counts under the names, not in them: the browser sends back the label it
        # shows, and a label that changed since (a new count) would not be read as a status
        captions=[counted(counts[s], "proposition") for s in STATUS_LABELS],
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
