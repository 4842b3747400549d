"""How many cores training may take while a browser on the same machine watches it.

Torch-free, so the page can choose its redraw cadence before any training code is imported.
"""
from __future__ import annotations

import os


def few_cores(cores: int | None = None) -> bool:
    """Whether the browser watching a run is likely to take a core training needs (4 cores or fewer)."""
    return (cores or os.cpu_count() or 1) <= 4


def threads_beside_the_page(cores: int | None = None) -> int:
    """PyTorch threads for a run trained while a page watches it: on a machine of few cores,
    one fewer than the cores, so the browser, the page's redraws and UMAP keep one.

    PyTorch's CPU threads wait for each other at the end of every operation, so a core the
    browser takes stalls all of them: on 2 cores, 2 threads trained about 3 times slower with
    the page open than 1 thread did (docs/benchmarks.md, training slowdown)."""
    cores = cores or os.cpu_count() or 1
    return max(1, cores - 1) if few_cores(cores) else cores
