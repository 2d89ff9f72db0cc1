"""Counts of fiches by a (possibly multi-valued) column."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from fiches.schema import split_list


def counts_by(
    fiches: pd.DataFrame,
    column: str,
    *,
    label: Callable[[str], str] = str,
    empty: str = "",
) -> pd.Series:
    """Number of fiches per value; a fiche counts once for each of its values.

    Fiches without a value count under ``empty`` when it is given. Sorted by count, then label.
    """
    values = fiches[column].map(
        lambda v: [str(int(v))] if isinstance(v, (int, float)) and pd.notna(v)
        else ([] if pd.isna(v) else split_list(str(v)))
    )  # fmt: skip
    exploded = values.explode()
    counts = exploded.dropna().map(label).value_counts()
    missing = int(values.map(len).eq(0).sum())
    if empty and missing:
        counts[empty] = missing
    frame = counts.rename_axis("valeur").reset_index(name="n")
    frame = frame.sort_values(["n", "valeur"], ascending=[False, True])
    return pd.Series(frame["n"].to_numpy(), index=frame["valeur"].to_numpy(), name=column)
