"""Generate the data dictionary block of ``data/README.md`` from ``schema``."""

from __future__ import annotations

from pathlib import Path

from fiches import paths
from fiches.markup import escape_md
from fiches.schema import FICHE_COLUMNS, LIST_SEPARATOR, MULTI_VALUED, PLACE_COLUMNS

BEGIN = "<!-- dictionnaire:début (généré par `python -m fiches docs`, ne pas éditer) -->"
END = "<!-- dictionnaire:fin -->"
README = paths.DATA / "README.md"


def dictionary_tables(heading: str = "###") -> str:
    """The data dictionary, one table per file, from ``schema`` (descriptions escaped):
    shown on À propos and written into ``data/README.md``."""
    lines: list[str] = []
    for name, what, columns in (
        ("fiches.csv", "une ligne par fiche", FICHE_COLUMNS),
        ("places.csv", "une ligne par fiche et par lieu", PLACE_COLUMNS),
    ):
        lines += [f"{heading} `{name}` : {what}", "", "| colonne | description |", "|---|---|"]
        for column, description in columns.items():
            multi = (
                f" Liste, séparateur « `{LIST_SEPARATOR.strip()}` »."
                if column in MULTI_VALUED
                else ""
            )
            lines.append(f"| `{column}` | {escape_md(description)}{multi} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def dictionary_markdown() -> str:
    """The generated block of ``data/README.md``."""
    return "\n".join([BEGIN, "", dictionary_tables(), "", END])


def update_readme(path: Path = README) -> bool:
    """Rewrite the generated block; return True when the file changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + dictionary_markdown() + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
