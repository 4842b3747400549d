"""Live-view budget, measurement 5: memory of a long run on a large data set, driven through
`deepclust_core.runs.live.LiveRun` exactly as the app drives it (training thread, projector thread
and its UMAP process, bounded history), sampled from /proc while it runs."""
from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

from bench.live_view.budget import BudgetTable, seconds, verdict
from bench.live_view.procs import GB, RssSampler
from deepclust_core import load_dataset
from deepclust_core.projection import umap as projection
from deepclust_core.recipe.build import config_for
from deepclust_core.runs.live import LiveRun

PEAK_TARGET_GB = 3.0
HIDDEN = (64,)  # a small autoencoder, so hundreds of epochs on 70,000 images take minutes
EMBEDDING_DIM = 10


def memory_config(n: int, epochs: int, batch_size: int, cache_dir: Path):
    """DEKM for `epochs` epochs in all (a third pretraining), with its stopping rules switched off
    and one k-means update per epoch, so the run lasts the planned epochs at a bounded cost."""
    pretrain = max(1, epochs // 3)
    steps_per_epoch = math.ceil(n / batch_size)
    return config_for("dekm", 10, pretrain_epochs=pretrain, cluster_epochs=epochs - pretrain, batch_size=batch_size,
                      autoencoder=dict(hidden=HIDDEN, embedding_dim=EMBEDDING_DIM),
                      options=dict(stop_tolerance=0.0, max_iterations=10 ** 9, update_interval=steps_per_epoch),
                      cache_dir=str(cache_dir), use_cache=False)


def epochs_done(run: LiveRun) -> int:
    """Epochs finished so far, pretraining and clustering together."""
    entries = run.history()
    if not entries:
        return 0
    s = entries[-1].snapshot
    return s.epoch if s.phase == "pretrain" else run.config.pretrain_epochs + s.epoch


def worker_pid() -> int | None:
    worker = projection._worker  # the shared projection process, once started
    return None if worker is None or worker.poll() is not None else worker.pid


def watch(run: LiveRun, interval: float) -> RssSampler:
    """Run to the end while sampling RSS of this process and of the projection process."""
    sampler = RssSampler({"training": "self", "projection": worker_pid}, progress=lambda: epochs_done(run),
                         interval=interval)
    with sampler:
        run.start()
        while run.active:
            time.sleep(0.2)
    return sampler


def rss_at(sampler: RssSampler, share: float, total: int) -> dict[str, int] | None:
    """RSS of the first sample taken once `share` of the planned epochs were done."""
    for sample in sampler.samples:
        if sample.progress >= share * total:
            return sample.rss
    return None


def gb(value: int | None) -> str:
    return "n/a" if value is None else f"{value / GB:.2f}"


def long_run_memory(machine: str, epochs: int, subsample: int | None, interval: float, workdir: Path,
                    batch_size: int = 256) -> str:
    """Measurement 5: peak RSS and RSS after the first 10 % and at the end of the epochs."""
    data = load_dataset("fashion-mnist", subsample=subsample)
    cache_dir = Path(tempfile.mkdtemp(prefix="cache-memory-", dir=workdir))
    config = memory_config(data.n_samples, epochs, batch_size, cache_dir)
    began = time.perf_counter()
    run = LiveRun(data, config)
    sampler = watch(run, interval)
    took = time.perf_counter() - began
    done = epochs_done(run)
    table = BudgetTable(
        "5. Memory on a long, large run",
        f"resident memory (VmRSS, sampled every {interval:g} s) of this process, which runs the LiveRun's training "
        f"and projector threads, and of the UMAP projection process; Fashion-MNIST, {data.n_samples:,} rows, "
        f"DEKM, MLP {data.n_features}-{'-'.join(map(str, HIDDEN))}-{EMBEDDING_DIM}, {config.pretrain_epochs} "
        f"pretraining + {config.cluster_epochs} clustering epochs (stopping rules off, one k-means update per epoch).",
        machine, ["Process", "Before start GB", "After 10 % of epochs GB", "At the end GB", "Peak GB",
                  "Target", "Result"])
    before, after_first, end = sampler.samples[0].rss, rss_at(sampler, 0.1, epochs), sampler.samples[-1].rss
    for name in ("training", "projection"):
        peak = max(s.rss[name] for s in sampler.samples)
        table.add(name, gb(before[name]), gb(after_first and after_first[name]), gb(end[name]), gb(peak),
                  f"< {PEAK_TARGET_GB:g} GB", verdict(peak / GB, PEAK_TARGET_GB) if name == "training" else "—")
    both = max(sum(s.rss.values()) for s in sampler.samples)
    table.add("both", "", "", "", gb(both), f"< {PEAK_TARGET_GB:g} GB", verdict(both / GB, PEAK_TARGET_GB))
    frames = sum(run.frames.layout(e.seq) is not None for e in run.history())
    table.notes.append(f"Status {run.status}{': ' + run.error if run.error else ''}; {done} of {epochs} epochs in "
                       f"{seconds(took, 0)} s; {len(sampler.samples)} samples; history kept {len(run.history())} "
                       f"entries, {frames} of them with a UMAP frame when training ended.")
    table.notes.append("The target applies to the training process (and, as a stricter check, to both together).")
    return table.markdown()
