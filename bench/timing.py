"""The one way the benchmarks time a function: warm it once, then time each run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per run, after one untimed call that warms caches and imports."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def median_ms(fn: Callable[[], object], runs: int) -> float:
    return statistics.median(timings(fn, runs))
