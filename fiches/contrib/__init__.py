"""Contributions: proposals sent by partners, their moderation, and the database behind them.

``db`` opens the database (URL, engine, Alembic migrations), ``storage`` is the one API over
its tables (drafts, proposals, decisions, login attempts), ``auth`` the moderators' password
and session rules. None of them imports Streamlit.
"""
