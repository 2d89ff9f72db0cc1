"""The document parser and the HTML-to-Markdown conversion."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from fiches.markup import html_to_markdown, markdown_to_plain
from fiches.parse import ParseError, parse_document
from fiches.schema import SECTION_KEYS
from fiches.text import words
from tests.helpers import seed_text

SOMMAIRE = [
    "L'Université du Citoyen de Châteauroux",
    "Forum des locataires (Val Touraine Habitat)",
    "Les Locataires référents (Val Touraine Habitat)",
    "Le quartier de la Rabière avant-après : 2001-2014 (Joué-lès-Tours)",
    "La mise en place du conseil citoyen à Blois",
    "Mieux vivre ensemble (Conseil de quartiers nord – Blois)",
    "Les Comités Locaux de Concertation (Vallogis)",
    "Des locataires auditeurs (France Loire)",
    "Habitat participatif (France Loire)",
    "Mise à disposition de locaux pour améliorer le cadre de vie et favoriser l'ouverture du quartier de Mireuil (La Rochelle)",
    "Mise en place de correspondants d'immeubles (Habitat 17)",
    "Co-produire avec les habitants : les budgets participatifs (Logiparc)",
    "Inauguration de la résidence intergénérationnelle René Amand à Poitiers (SIPEA Habitat)",
]


@pytest.fixture(scope="module")
def doc():
    return parse_document(seed_text(), name="seed")


def test_thirteen_fiches_in_sommaire_order(doc):
    assert [f.title for f in doc.fiches] == SOMMAIRE
    assert doc.fiches[6].heading == "Les Comités Locaux de Concertation (CLC) VALLOGIS (45)"


def test_every_fiche_has_eleven_sections_in_order(doc):
    for fiche in doc.fiches:
        assert list(fiche.sections) == list(SECTION_KEYS)


def test_empty_sections_stay_empty(doc):
    forum = doc.fiches[1]
    assert forum.sections["perspectives"] == ""  # no such row in the source
    assert forum.sections["docs"] == ""
    assert doc.fiches[3].sections["interet"] == ""  # row present, text empty
    assert doc.fiches[2].sections["perspectives"] == ""


def _source_blocks(text: str, doc) -> list[str]:
    lines = text.split("\n")
    starts = [f.line - 1 for f in doc.fiches] + [len(lines)]
    blocks = []
    for i in range(len(doc.fiches)):
        cells = [
            line.split("\t", 1)[1] if "\t" in line else line
            for line in lines[starts[i] + 1 : starts[i + 1]]
        ]
        block = re.sub(r"<[^>]*>", " ", " ".join(cells))
        blocks.append(re.sub(r"[\^{}]", "", block))  # 4^e and 1^{re} read as 4e and 1re
    return blocks


@pytest.mark.parametrize("index", range(13))
def test_every_word_kept_and_none_invented(doc, index):
    """Faithfulness: the words of the fiche's rows equal the words of its source block."""
    source = Counter(words(_source_blocks(seed_text(), doc)[index]))
    fiche = doc.fiches[index]
    text = " ".join(fiche.sections.values())
    row = Counter(words(re.sub(r"\]\([^)]*\)", "]", text)))  # a link's target repeats its text
    assert source - row == Counter(), "words lost"
    assert row - source == Counter(), "words invented"


def test_markdown_has_no_html_or_stray_bullets(doc):
    for fiche in doc.fiches:
        for md in fiche.sections.values():
            assert not re.search(r"</?[a-z]+[^>]*>", md)
            assert not re.search(r"[●▪•]", md)
            assert "^" not in md


def test_emails_kept_as_published(doc):
    assert "virginie.iparraguirre\\[a\\]ville-chateauroux.fr" in doc.fiches[0].sections["contact"]
    assert "chantal.murat\\[@\\]habitat17.fr" in doc.fiches[10].sections["contact"]
    assert "a.ploquin\\[at\\]atlantic-amenagement.com" in doc.fiches[9].sections["contact"]


def test_page_break_continuation_joins_sentence(doc):
    resultats = markdown_to_plain(doc.fiches[6].sections["resultats"])
    assert "les problèmes sont traités dès leurs origines." in resultats


def test_difficulties_label_as_published(doc):
    assert doc.fiches[8].labels["difficultes"] == "Difficultés potentielles"
    assert doc.fiches[0].labels["difficultes"] == "Difficultés rencontrées"


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ('<ul style="x"> ● un ; ● deux.', "- un ;\n- deux."),
        ("<ul> ▪ a ▪ b : <ul> - c - d ▪ e", "- a\n- b :\n    - c\n    - d\n- e"),
        ('<ol style="x"> 1. un 2. deux <p>fin</p>', "1. un\n2. deux\n\nfin"),
        ("<p>4^e et 1^{re} et 8^{es}</p>", "4e et 1re et 8es"),
        ("<p>« <i>Toute personne</i> »</p>", "« *Toute personne* »"),
        ("<p><u>Contexte</u></p> <ul> • x", "**Contexte**\n\n- x"),
        ("texte <u>Titre :</u> <ul> • a", "texte\n\n**Titre :**\n\n- a"),
        ("- un - deux", "- un\n- deux"),
        ("voir www.site.fr.", "voir [www.site.fr](http://www.site.fr)."),
        (
            "a [b](javascript:x) *c* _d_ `e` $f$",
            "a \\[b\\](javascript:x) \\*c\\* \\_d\\_ \\`e\\` \\$f\\$",
        ),
        ("<script>alert(1)</script>", "alert(1)"),
        ("5. Le conseil", "5\\. Le conseil"),
    ],
)
def test_html_to_markdown(html, markdown):
    assert html_to_markdown(html) == markdown


# --- tolerated variants of the source, each a synthetic copy of the seed ---------------


def _variant(transform) -> str:
    return transform(seed_text())


def _own_line_labels(text: str) -> str:
    out = []
    for line in text.split("\n"):
        if "\t" in line and line.split("\t", 1)[0].strip():
            label, value = line.split("\t", 1)
            out += [label, value]
        else:
            out.append(line)
    return "\n".join(out)


def _inline_labels(text: str) -> str:
    return re.sub(r"(?m)^(Quoi \? > Objet de l'action)\t", r"\1 ", text)


VARIANTS = {
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "nbsp": lambda t: t.replace(" :", "\u00a0:").replace(" ?", "\u00a0?"),
    "curly-apostrophes": lambda t: t.replace("'", "’"),
    "straight-apostrophes": lambda t: t.replace("’", "'"),
    "label-own-line": _own_line_labels,
    "label-inline": _inline_labels,
    "qui-without-porteur": lambda t: t.replace("Qui ? > porteur de l'action", "Qui ?"),
    "sommaire-bullets-own-line": lambda t: t.replace("\n- *", "\n-\n*"),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_variants_parse_to_the_same_fiches(doc, name):
    variant = parse_document(_variant(VARIANTS[name]), name=name)
    assert [f.title.replace("’", "'") for f in variant.fiches] == SOMMAIRE
    for original, parsed in zip(doc.fiches, variant.fiches, strict=True):
        for key in SECTION_KEYS:
            got = markdown_to_plain(parsed.sections[key]).replace("’", "'").replace("\u00a0", " ")
            want = markdown_to_plain(original.sections[key]).replace("’", "'")
            assert words(got) == words(want), (name, original.title, key)


def test_unknown_label_names_fiche_and_label():
    text = seed_text().replace(
        "Résultats obtenus\tUn outil concret", "Bilan chiffré\tUn outil concret"
    )
    with pytest.raises(
        ParseError, match=r"Forum des locataires.*libellé inconnu « Bilan chiffré »"
    ):
        parse_document(text, name="doc.txt")


def test_document_without_fiche_is_an_error():
    with pytest.raises(ParseError, match="aucune fiche"):
        parse_document("Un simple texte\n\nsans fiche.\n", name="vide.txt")
    with pytest.raises(ParseError, match="aucune fiche"):
        parse_document("", name="vide.txt")


def test_sommaire_entry_without_fiche_is_an_error():
    text = seed_text().replace("Habitat participatif FRANCE LOIRE (45)\n", "")
    with pytest.raises(ParseError):
        parse_document(text, name="doc.txt")


def test_text_before_first_fiche_is_an_error():
    text = seed_text().replace(
        "L'Université du Citoyen de Châteauroux\n\n<p>Quoi",
        "\tTexte égaré\nL'Université du Citoyen de Châteauroux\n\n<p>Quoi",
        1,
    )
    with pytest.raises(ParseError, match="hors de toute"):
        parse_document(text, name="doc.txt")


def test_flattened_lists_are_laid_out_as_published(doc):
    """Issue 12: Habitat 17 « Perspectives » and SIPEA « Docs » read as lists."""
    by_title = {f.title: f for f in doc.fiches}
    habitat17 = by_title["Mise en place de correspondants d'immeubles (Habitat 17)"]
    lead, items = habitat17.sections["perspectives"].split("\n\n")
    assert lead == "Démarche de qualité de service"
    assert [i[:30] for i in items.split("\n")] == [
        "- amélioration du service rend",
        "- meilleure prise en compte de",
    ]
    sipea = by_title[SOMMAIRE[12]]
    assert sipea.sections["docs"].split("\n") == [
        "- Plaquette de présentation de l’opération",
        "- Film retraçant l’histoire de la résidence post et pré travaux de la réhabilitation",
        "- [www.sipea-habitat.fr](http://www.sipea-habitat.fr)",
    ]
    html = __import__("fiches.render", fromlist=["x"]).markdown_to_html(sipea.sections["docs"])
    assert html.count("<li>") == 3


def test_layout_corrections_keep_every_word_and_still_apply():
    from fiches.layout import CORRECTIONS, correct_layout
    from fiches.text import slugify

    raw = parse_document(seed_text(), name="seed")
    ids = {slugify(f.title) for f in raw.fiches}
    for c in CORRECTIONS:
        assert c.fiche_id in ids, c.fiche_id
        assert c.published != c.corrected
        assert Counter(words(c.published)) == Counter(words(c.corrected)), c.fiche_id
        sections = {c.section: c.published}
        assert correct_layout(c.fiche_id, sections) == [c]
        assert sections[c.section] == c.corrected
        assert correct_layout("autre-fiche", {c.section: c.published}) == []
