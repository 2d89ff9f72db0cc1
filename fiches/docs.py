"""Generate the data dictionary block of ``data/README.md`` from ``schema``."""

from __future__ import annotations

from pathlib import Path

from fiches import paths
from fiches.schema import FICHE_COLUMNS, LIST_SEPARATOR, MULTI_VALUED, PLACE_COLUMNS

BEGIN = "<!-- dictionnaire:début (généré par `python -m fiches docs`, ne pas éditer) -->"
END = "<!-- dictionnaire:fin -->"
README = paths.DATA / "README.md"


def dictionary_markdown() -> str:
    lines = [
        BEGIN,
        "",
        "### `fiches.csv` : une ligne par fiche",
        "",
        "| colonne | description |",
        "|---|---|",
    ]
    for column, description in FICHE_COLUMNS.items():
        multi = (
            f" Liste, séparateur « `{LIST_SEPARATOR.strip()}` »." if column in MULTI_VALUED else ""
        )
        lines.append(f"| `{column}` | {description}{multi} |")
    lines += [
        "",
        "### `places.csv` : une ligne par fiche et par lieu",
        "",
        "| colonne | description |",
        "|---|---|",
    ]
    lines += [f"| `{c}` | {d} |" for c, d in PLACE_COLUMNS.items()]
    lines += ["", END]
    return "\n".join(lines)


def update_readme(path: Path = README) -> bool:
    """Rewrite the generated block; return True when the file changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + dictionary_markdown() + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
