"""The projection process: `python -m deepclust_core.projection_worker`.

Reads length-prefixed .npz requests (H, seed, optional previous) on stdin and answers each
with the aligned UMAP layout on stdout. Runs one thread (its environment comes from
`projection._worker_environment`), so training keeps the other cores; at normal priority:
at a lower one, the browser and the server starved it on 2 cores and the panel fell seconds
behind the epochs (docs/benchmarks.md, live UMAP frames).
"""
import os
import sys


def cache_compiled_code() -> None:
    """Make numba keep everything it compiles for UMAP in NUMBA_CACHE_DIR.

    umap-learn marks few of its numba functions `cache=True`, so each start of the process
    compiled them again: 10 to 15 s before the first frame. Asking for `cache=True` by default,
    before umap is imported, lets a second start load them from disk (docs/benchmarks.md)."""
    import numba

    def caching(decorate):
        def decorate_and_cache(*args, **kwargs):
            kwargs.setdefault("cache", True)
            return decorate(*args, **kwargs)
        return decorate_and_cache

    numba.njit, numba.jit = caching(numba.njit), caching(numba.jit)


def main() -> None:
    cache_compiled_code()
    import numpy as np

    from deepclust_core.projection import receive_arrays, send_arrays, umap_layout

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    first = umap_layout(np.random.default_rng(0).normal(size=(200, 5)).astype(np.float32), None, n_epochs=20)
    umap_layout(np.random.default_rng(1).normal(size=(200, 5)).astype(np.float32), first, n_epochs=5)  # compile both
    send_arrays(stdout, ready=np.array(1))
    while (request := receive_arrays(stdin)) is not None:
        try:
            send_arrays(stdout, layout=umap_layout(request["H"], request.get("previous"), seed=int(request["seed"])))
        except (ValueError, FloatingPointError, ZeroDivisionError) as error:  # a degenerate embedding
            send_arrays(stdout, error=np.array(f"{type(error).__name__}: {error}"))


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):  # the parent went away: nothing left to answer
        pass
