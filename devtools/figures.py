"""Figures of the load test: memory samples and page-load times, as plain functions
(tested in ``tests/test_load_figures.py``, printed by ``scripts/load.py``)."""

from __future__ import annotations

import math
import statistics
from pathlib import Path


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_figures(samples: list[tuple[float, float]], seconds: float) -> dict:
    """Start, plateau, end, peak (MB) and the slope over the second half (MB/min) of
    ``(seconds since start, MB)`` samples."""
    second_half = [(t, mb) for t, mb in samples if t >= seconds / 2] or samples[-1:]
    if len(second_half) >= 2 and len({t for t, _ in second_half}) >= 2:
        slope = statistics.linear_regression(*zip(*second_half, strict=True)).slope * 60
    else:
        slope = float("nan")
    return {
        "start": (samples[0][1], "MB"),
        "plateau": (statistics.median(mb for _, mb in second_half), "MB"),
        "end": (samples[-1][1], "MB"),
        "peak": (max(mb for _, mb in samples), "MB"),
        "slope_second_half": (slope, "MB/min"),
    }


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95 and the slowest of some durations (nan when there are none)."""
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "slowest": float("nan")}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
    return {"p50": statistics.median(ordered), "p95": p95, "slowest": ordered[-1]}
