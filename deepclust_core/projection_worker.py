"""The projection process: `python -m deepclust_core.projection_worker`.

Reads length-prefixed .npz requests (H, seed, optional previous) on stdin and answers each
with the aligned UMAP layout on stdout. Runs at low priority with one numba thread, so
training in the parent process keeps the cores.
"""
import os
import sys

os.environ.setdefault("NUMBA_NUM_THREADS", "1")


def main() -> None:
    os.nice(10)  # before the imports: importing and compiling UMAP takes a core for seconds
    import numpy as np

    from deepclust_core.projection import receive_arrays, send_arrays, umap_layout

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    umap_layout(np.random.default_rng(0).normal(size=(200, 5)).astype(np.float32), None, n_epochs=20)  # compile
    send_arrays(stdout, ready=np.array(1))
    while (request := receive_arrays(stdin)) is not None:
        layout = umap_layout(request["H"], request.get("previous"), seed=int(request["seed"]))
        send_arrays(stdout, layout=layout)


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, KeyboardInterrupt):  # the parent went away: nothing left to answer
        pass
