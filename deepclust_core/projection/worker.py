"""The projection process: `python -m deepclust_core.projection.worker`.

Reads length-prefixed .npz requests (H, seed, optional previous) on stdin and answers each
with the aligned UMAP layout on stdout. Runs one thread (its environment comes from
`projection._worker_environment`), so training keeps the other cores; at normal priority:
at a lower one, the browser and the server starved it on 2 cores and the panel fell seconds
behind the epochs (docs/benchmarks.md, live UMAP frames).

Where several start at once on a machine that has never compiled UMAP (two servers, a test
suite's processes), one compiles (about 25 s of a core) while the others wait for it, then
load its code from disk in 2 to 3 s, instead of each compiling the same code beside the others.
"""
import fcntl
import sys
from contextlib import contextmanager


@contextmanager
def compiling_alone():
    """Hold the compiled-code folder's lock: one projection process at a time compiles (or loads) UMAP."""
    from deepclust_core.projection.umap import compiled_code_folder

    folder = compiled_code_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / "compiling.lock", "w")
    except OSError:  # a folder it cannot write: numba cannot keep its code there either, so nothing to share
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def main() -> None:
    import numpy as np

    from deepclust_core.projection.umap import cache_compiled_code, receive_arrays, send_arrays, umap_layout

    cache_compiled_code()  # before umap is imported (by umap_layout)

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    with compiling_alone():
        first = umap_layout(np.random.default_rng(0).normal(size=(200, 5)).astype(np.float32), None, n_epochs=20)
        umap_layout(np.random.default_rng(1).normal(size=(200, 5)).astype(np.float32), first, n_epochs=5)  # both
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
