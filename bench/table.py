"""The quality tables: one per data set, one Markdown row per method, mean ± std over seeds."""
from __future__ import annotations

import numpy as np

from .runs import RunResult

COLUMNS = ("Method", "Runs", "ACC", "NMI", "ARI", "Start ACC (own initial partition)", "Δ ACC vs start",
           "AE + k-means ACC (n_init 10, same AE)", "Δ ACC vs AE + k-means", "Epochs", "Converged",
           "Clustering s (mean)", "Total s (mean)", "AE from cache", "Settings")


def mean_std(values: list[float], digits: int = 3, signed: bool = False) -> str:
    """"0.812 ± 0.004" (sample std, ddof=1); a single value alone; "n/a" when there is none."""
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    sign = "+" if signed else ""
    text = f"{np.mean(values):{sign}.{digits}f}"
    return text if len(values) == 1 else f"{text} ± {np.std(values, ddof=1):.{digits}f}"


def group_runs(results: list[RunResult]) -> dict[str, dict[str, list[RunResult]]]:
    """Results by data set, then by method, in the order they were run."""
    groups: dict[str, dict[str, list[RunResult]]] = {}
    for result in results:
        groups.setdefault(result.data, {}).setdefault(result.method, []).append(result)
    return groups


def table_row(runs: list[RunResult]) -> list[str]:
    ok = [r for r in runs if r.ok]
    epochs = [r.epochs for r in ok]
    epoch_text = "n/a" if not ok else str(epochs[0]) if len(set(epochs)) == 1 else f"{np.mean(epochs):.1f} ({min(epochs)}–{max(epochs)})"
    return [
        runs[0].method, f"{len(ok)}/{len(runs)}",
        mean_std([r.acc for r in ok]), mean_std([r.nmi for r in ok]), mean_std([r.ari for r in ok]),
        mean_std([r.start_acc for r in ok]), mean_std([r.delta_start_acc for r in ok], signed=True),
        mean_std([r.reference_acc for r in ok]), mean_std([r.delta_acc for r in ok], signed=True),
        epoch_text, f"{sum(r.converged for r in ok)}/{len(ok)}",
        _mean_seconds(ok, "cluster_seconds"), _mean_seconds(ok, "total_seconds"), f"{sum(r.pretrain_cached for r in ok)}/{len(ok)}",
        runs[0].settings,
    ]


def _mean_seconds(runs: list[RunResult], name: str) -> str:
    return f"{np.mean([getattr(r, name) for r in runs]):.1f}" if runs else "n/a"


def markdown_table(results: list[RunResult]) -> str:
    """A "#### data" heading and its table for each data set, then the failed runs."""
    parts = []
    for data, by_method in group_runs(results).items():
        lines = [f"#### {data}", "", "| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
        lines += ["| " + " | ".join(table_row(runs)) + " |" for runs in by_method.values()]
        parts.append("\n".join(lines))
    failures = [r for r in results if not r.ok]
    if failures:
        parts.append("\n".join(f"- failed: {r.data} {r.method} seed {r.seed}: {r.error}" for r in failures))
    return "\n\n".join(parts)


def header(command: str, machine_line: str, seeds: list[int], started: str) -> str:
    return "\n".join([
        "### Quality: each method against its own start and against AE + k-means",
        "",
        f"- Command: `{command}`",
        f"- Machine: {machine_line}",
        f"- Started: {started}",
        f"- Seeds: {', '.join(map(str, seeds))} (the model seed: autoencoder initialisation, batch order, k-means). "
        "Data subsamples are drawn once with seed 0 and kept fixed across seeds: only the model seed varies.",
        "- Labels are used only for the metrics, never for training or model selection: every number is the "
        "last epoch's (no best epoch, no best seed), and early stopping looks at unlabelled rows only.",
        "- ACC / NMI / ARI of the last epoch, mean ± sample standard deviation (ddof=1) over seeds. "
        "Start: the partition the method starts from, with its own k-means restarts (its first clustering "
        "snapshot, before any clustering step; DEPICT: the k-means its head learns from; AE-CM from random "
        "weights: a random partition). AE + k-means: k-means (n_init 10) on the same pretrained autoencoder, "
        "the same procedure for every method. Both Δ are paired by seed.",
        "- Epochs: clustering epochs run (a method may stop early: Converged). Clustering s: from the end of "
        "pretraining to the end of the run (AE + k-means reference, initialisation, epochs and per-epoch metrics). "
        "Total s: the whole run, which includes pretraining only when the autoencoder did not come from the cache "
        "(AE from cache).",
    ])
