"""Comparer: two or three fiches as one grid, facts on top, then section by section.

The choice lives in ``?fiches=a,b,c`` (shareable) and in the session (``compare_ids``), so
that it survives a visit to another page, which clears the URL's own parameters.
"""

import streamlit as st

from fiches import ui
from fiches.compare import MAX_COMPARED, URL_PARAM, cell_label, compare, parse_ids, to_param
from fiches.markup import escape_line_start, escape_md

OPTIONS_SHOWN = 300

ctx = ui.context()
c = ctx.corpus

st.title("Comparer", anchor=False)
url_value = st.query_params.get(URL_PARAM)
if url_value is not None and url_value != ui.session.compare_url:
    ids, notices = parse_ids(url_value, c.fiches.index)
    ui.session.compared = ids
    if notices:
        st.caption("Lien partiellement repris : " + escape_md(" ; ".join(notices[:5])))
chosen = [i for i in ui.session.compared if i in c.fiches.index]

# the list: the filtered fiches (the first OPTIONS_SHOWN: each option is sent on every
# rerun), plus those already chosen
options = list(dict.fromkeys([*chosen, *ctx.filtered.index[:OPTIONS_SHOWN]]))
ui.session.compare_select = chosen
st.multiselect(
    f"Fiches à comparer (deux ou trois, parmi les {len(ctx.filtered)} filtrées)",
    options,
    key=ui.Session.compare_select.key,
    format_func=lambda fid: c.fiches.at[fid, "titre"],
    max_selections=MAX_COMPARED,
    placeholder="Choisir une fiche",
    select_all=False,  # Streamlit's English « Select all » (and it kept only three)
    on_change=lambda: setattr(ui.session, "compared", ui.session.compare_select),
)
if len(ctx.filtered) > OPTIONS_SHOWN:
    st.caption(f"La liste propose les {OPTIONS_SHOWN} premières : affinez les filtres.")
param = to_param(chosen)
ui.session.compare_url = param
if param:
    st.query_params[URL_PARAM] = param
elif URL_PARAM in st.query_params:
    del st.query_params[URL_PARAM]

if len(chosen) < 2:
    st.info(
        "Choisissez deux ou trois fiches dans la liste ci-dessus (ou « Ajouter à la"
        " comparaison » depuis une fiche ouverte). Le lien de la page garde ce choix."
    )
    ui.stop()

comparison = compare(c, chosen)
# One grid: the titles once, at the top (whole, wrapping; they stay in view while the
# rows scroll, app.css), then one row per fact or section whose cells share one line of
# the page. On a phone the columns stack: each cell then names its fiche (app.css shows
# those names only there).
with st.container(key="compare-head"):
    for i, (col, fid, title) in enumerate(
        zip(st.columns(len(chosen)), comparison.ids, comparison.titles, strict=True)
    ):
        with col.container(key=f"compare-col-{i}"):
            st.markdown(f"#### {i + 1}. {escape_md(title)}")
            st.page_link("pages/carte.py", label="Voir sur la carte", query_params={"fiche": fid})

for row in comparison.rows:
    if row.key == "objet":
        st.divider()
    st.markdown(f"##### {escape_md(row.heading)}")
    for i, (col, cell) in enumerate(zip(st.columns(len(chosen)), row.cells, strict=True)):
        with col.container(key=f"compare-{row.key}-{i}"):
            st.caption(escape_line_start(escape_md(cell_label(i, comparison.titles[i]))))
            st.markdown(cell)
