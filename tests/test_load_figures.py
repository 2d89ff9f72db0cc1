"""The load test's memory figures: a leak shows as a slope."""

from __future__ import annotations

import math

from devtools.figures import rss_figures


def test_flat_memory_has_no_slope_and_a_leak_has_one():
    flat = [(t, 200.0) for t in range(0, 121, 2)]
    figures = rss_figures([(0.0, 170.0), *flat[1:]], 120)
    assert figures["start"] == (170.0, "MB")
    assert figures["plateau"] == (200.0, "MB")
    assert figures["slope_second_half"][0] == 0
    leak = [(t, 200.0 + t / 60 * 3) for t in range(0, 121, 2)]  # 3 MB per minute
    assert math.isclose(rss_figures(leak, 120)["slope_second_half"][0], 3.0)
    assert rss_figures(leak, 120)["end"] == (206.0, "MB")


def test_page_load_percentiles():
    from devtools.figures import percentiles

    loads = [float(ms) for ms in range(100, 2100, 100)]  # 20 loads: 100 … 2000 ms
    assert percentiles(loads) == {"p50": 1050.0, "p95": 1900.0, "slowest": 2000.0}
    assert math.isnan(percentiles([])["p50"])
