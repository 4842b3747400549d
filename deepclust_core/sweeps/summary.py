"""A sweep's results by setting, read back from the run store (so any past sweep can be summarised).

Per setting: how its trials ended, the final ACC / NMI / ARI as mean ± standard deviation
over the seeds that finished (sample std, ddof=1: a few seeds estimate the spread), and a
label-free stability score: the mean adjusted Rand index between every pair of seeds' final
labelings (1: every seed found the same partition; near 0: no more alike than chance). The
labels are used only to report the metrics, never for stability; this is the agreement of
restarts that model-selection work relies on (Ben-Hur, Elisseeff & Guyon, "A stability based
method for discovering structure in clustered data", PSB 2002; Lange et al., "Stability-based
validation of clustering solutions", Neural Computation 2004).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import adjusted_rand_score

from ..runs.store import RunStore
from ..runs.store.rows import RunRecord

ENDED_WELL = ("finished", "converged")
METRICS = ("acc", "nmi", "ari")


@dataclass(frozen=True)
class SettingSummary:
    setting: str  # SweepTag.setting
    trials: int
    ended_well: int  # finished or converged
    failed: int
    stopped: int  # stopped or interrupted
    means: dict  # metric -> mean over the seeds that ended well (empty without labels)
    stds: dict  # metric -> sample standard deviation (nan with one seed)
    stability: float | None  # mean pairwise ARI between the seeds' labelings; None with fewer than 2

    def cell(self, metric: str) -> str:
        """"0.812 ± 0.034", or "" when no seed has the metric."""
        if metric not in self.means:
            return ""
        std = self.stds[metric]
        return f"{self.means[metric]:.3f}" + ("" if math.isnan(std) else f" ± {std:.3f}")

    def stability_cell(self, missing: str = "") -> str:
        """"0.912", or `missing` when fewer than 2 seeds ended well."""
        return missing if self.stability is None else f"{self.stability:.3f}"


def pairwise_agreement(labelings: list[np.ndarray]) -> float | None:
    """Mean adjusted Rand index over every pair of labelings of the same rows; None with fewer than two."""
    pairs = [adjusted_rand_score(a, b) for a, b in itertools.combinations(labelings, 2)]
    return float(np.mean(pairs)) if pairs else None


def summarize(store: RunStore, sweep_id: str) -> list[SettingSummary]:
    """One summary per setting of the sweep, in the order its trials were recorded."""
    by_setting: dict[str, list[RunRecord]] = {}
    for record in store.sweep_runs(sweep_id):
        by_setting.setdefault(record.sweep.setting, []).append(record)
    return [_summary(store, setting, records) for setting, records in by_setting.items()]


def _summary(store: RunStore, setting: str, records: list[RunRecord]) -> SettingSummary:
    good = [r for r in records if r.status in ENDED_WELL]
    means, stds = {}, {}
    for metric in METRICS:
        values = [r.final_metrics[metric] for r in good if metric in r.final_metrics]
        if values:
            means[metric] = float(np.mean(values))
            stds[metric] = float(np.std(values, ddof=1)) if len(values) > 1 else math.nan
    labelings = [labels for labels in (store.final_labels(r.id) for r in good) if labels is not None]
    return SettingSummary(
        setting, len(records), len(good), sum(r.status == "failed" for r in records),
        sum(r.status in ("stopped", "interrupted") for r in records), means, stds, pairwise_agreement(labelings))


def summary_table(summaries: list[SettingSummary]) -> str:
    """The summaries as a Markdown table (the CLI prints it; it pastes into a report)."""
    lines = ["| Setting | Seeds ok | ACC | NMI | ARI | Stability (mean pairwise ARI) |", "|---|---|---|---|---|---|"]
    for s in summaries:
        ended = f"{s.ended_well}/{s.trials}" + (f" ({s.failed} failed)" if s.failed else "")
        metrics = " | ".join(s.cell(metric) for metric in METRICS)
        lines.append(f"| {s.setting} | {ended} | {metrics} | {s.stability_cell()} |")
    return "\n".join(lines)
