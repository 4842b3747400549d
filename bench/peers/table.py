"""The results of bench.peers and their report: one PeerResult per run, one Markdown row per
(data, library, method) with mean ± std over seeds, the header that says how both libraries were
matched, and the JSON file of raw runs that --json writes and --merge reads back.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from bench.datasets import SUBSAMPLE_SEED
from bench.machine import machine_line
from bench.peers.flops import MATMUL_SIZE
from bench.table import mean_std

OURS, THEIRS = "deepclust", "ClustPy"
COLUMNS = ("Data", "Library", "Method", "Runs", "ACC", "NMI", "ARI", "Clustering epochs", "Pretraining s/epoch",
           "Clustering s/epoch", "Pretraining GFLOP/s", "Clustering GFLOP/s", "Total s", "Settings")


@dataclass
class PeerResult:
    """One run of one library: its scores of the method's own labels and its timings."""

    data: str
    library: str  # OURS or THEIRS
    method: str
    seed: int
    settings: str
    ok: bool = True
    error: str = ""
    acc: float | None = None
    nmi: float | None = None
    ari: float | None = None
    pretrain_epochs: int = 0
    pretrain_seconds: float = 0.0  # pretraining done by this run (0 when its autoencoder was shared)
    pretrain_shared: bool = False  # the autoencoder came from an earlier run of the same recipe and seed
    ae_seconds: float | None = None  # pretraining time of the autoencoder this run used (None: unknown)
    epochs: int = 0  # clustering epochs run
    planned_epochs: int = 0  # clustering epochs asked for (TrainConfig.cluster_epochs; ClustPy: all of them run)
    converged: bool = False  # the method's own end fired (ours only; ClustPy has no stopping rule)
    init_seconds: float = 0.0  # clustering phase outside the epochs: k-means init (ours: also AE + k-means), final labels
    epochs_seconds: float = 0.0  # the clustering epochs
    wall_seconds: float = 0.0  # this run, as measured
    pretrain_gflop: float | None = None  # FLOPs of one pretraining epoch's training steps / 1e9 (bench/peers/flops.py)
    epoch_gflop: float | None = None  # ... of one clustering epoch's
    extra: dict = field(default_factory=dict)  # ours: AE + k-means scores; ClustPy: scores of its labels_ (final KMeans)

    @property
    def total_seconds(self) -> float | None:
        """Pretraining of the autoencoder used + the clustering phase (None when the former is unknown)."""
        if self.ae_seconds is None:
            return None
        return self.ae_seconds + self.init_seconds + self.epochs_seconds


def group_runs(results: list[PeerResult]) -> dict[tuple[str, str, str], list[PeerResult]]:
    """Results by (data, library, method), in the order they were run: one table row each."""
    groups: dict[tuple[str, str, str], list[PeerResult]] = {}
    for result in results:
        groups.setdefault((result.data, result.library, result.method), []).append(result)
    return groups


def seconds_per_epoch(runs: list[PeerResult], seconds: str, epochs: str) -> str:
    values = [getattr(r, seconds) / getattr(r, epochs) for r in runs if getattr(r, epochs) and getattr(r, seconds) > 0]
    return f"{np.mean(values):.3f}" if values else "n/a"


def gflops(runs: list[PeerResult], gflop: str, seconds: str, epochs: str) -> str:
    """GFLOP/s of an epoch's training steps: their FLOPs over the epoch's seconds, mean over runs."""
    values = [getattr(r, gflop) * getattr(r, epochs) / getattr(r, seconds) for r in runs
              if getattr(r, gflop) and getattr(r, epochs) and getattr(r, seconds) > 0]
    return f"{np.mean(values):.3g}" if values else "n/a"


def table_row(runs: list[PeerResult]) -> list[str]:
    ok = [r for r in runs if r.ok]
    epochs = [r.epochs for r in ok]
    epoch_text = ("n/a" if not ok else str(epochs[0]) if len(set(epochs)) == 1
                  else f"{np.mean(epochs):.1f} ({min(epochs)}–{max(epochs)})")
    early = sum(r.epochs < r.planned_epochs for r in ok)
    if early:
        epoch_text += f" of {ok[0].planned_epochs} (stopping rule: {early}/{len(ok)})"
    pretrained = pretrained_here(runs)
    totals = [r.total_seconds for r in ok if r.total_seconds is not None]
    return [
        runs[0].data, runs[0].library, runs[0].method, f"{len(ok)}/{len(runs)}",
        mean_std([r.acc for r in ok]), mean_std([r.nmi for r in ok]), mean_std([r.ari for r in ok]), epoch_text,
        seconds_per_epoch(pretrained, "pretrain_seconds", "pretrain_epochs"),
        seconds_per_epoch(ok, "epochs_seconds", "epochs"),
        gflops(pretrained, "pretrain_gflop", "pretrain_seconds", "pretrain_epochs"),
        gflops(ok, "epoch_gflop", "epochs_seconds", "epochs"),
        f"{np.mean(totals):.1f}" if totals else "n/a", runs[0].settings,
    ]


def markdown_table(results: list[PeerResult]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(table_row(runs)) + " |" for runs in group_runs(results).values()]
    notes = []
    for (data, library, method), runs in group_runs(results).items():
        ok = [r for r in runs if r.ok]
        if library == THEIRS and ok:
            notes.append(f"- {data} ClustPy {method}: its `labels_` (a final KMeans on the trained embedding, not the "
                         f"method's own assignment) score ACC {mean_std([r.extra.get('labels_kmeans_acc') for r in ok])}, "
                         f"NMI {mean_std([r.extra.get('labels_kmeans_nmi') for r in ok])}.")
        if ok and ok[0].extra.get("ae_kmeans_acc") is not None:
            start = ("its initial KMeans on its own pretrained autoencoder" if library == THEIRS
                     else "AE + k-means on the same pretrained autoencoder")
            notes.append(f"- {data} {library} {method}: {start}, before any clustering epoch: "
                         f"ACC {mean_std([r.extra.get('ae_kmeans_acc') for r in ok])}.")
    notes += speed_ups(results)
    failures = [f"- FAILED: {r.data} {r.library} {r.method} seed {r.seed}: {r.error}" for r in results if not r.ok]
    return "\n".join(lines + ([""] + notes if notes else []) + ([""] + failures if failures else []))


def pretrained_here(runs: list[PeerResult]) -> list[PeerResult]:
    """The finished runs that trained their autoencoder (not shared from an earlier run)."""
    return [r for r in runs if r.ok and r.pretrain_epochs and not r.pretrain_shared]


def speed_ups(results: list[PeerResult]) -> list[str]:
    """One line per (data, method, library of ours): ClustPy's seconds per epoch over ours, by phase."""
    groups, lines = group_runs(results), []
    for (data, library, method), runs in groups.items():
        theirs = groups.get((data, THEIRS, method), [])
        if library == THEIRS or not theirs:
            continue
        ok, their_ok = [r for r in runs if r.ok], [r for r in theirs if r.ok]
        phases = (("pretraining", pretrained_here(runs), pretrained_here(theirs), "pretrain_seconds", "pretrain_epochs"),
                  ("clustering", ok, their_ok, "epochs_seconds", "epochs"))
        parts = [f"{phase} {float(peer) / float(mine):.2f}x" for phase, mine_runs, peer_runs, seconds, epochs in phases
                 if (mine := seconds_per_epoch(mine_runs, seconds, epochs)) != "n/a"
                 and (peer := seconds_per_epoch(peer_runs, seconds, epochs)) != "n/a"]
        if parts:
            lines.append(f"- {data} {library} {method}: speed per epoch against ClustPy's (its s/epoch over ours; "
                         f"above 1: ours faster): {', '.join(parts)}.")
    return lines


MATCHING = [
    "- Same rows on both sides (an .npz of X only; labels are used for the scores here, never for training), "
    "same autoencoder (MLP d-500-500-2000-10, ReLU, linear embedding and output; ClustPy's FeedforwardAutoencoder "
    "with activation_fn=ReLU instead of its default LeakyReLU), same pretraining (Adam, lr, epochs, batch size), "
    "same clustering epochs (`clustering_epochs` in ClustPy), batch size and optimiser, same k-means restarts for "
    "the initial centres (`initial_clustering_params={'n_init': ...}`; ClustPy's default is 1), same torch build "
    "and thread count. Both libraries pretrain with their own code; each shares one autoencoder per seed between "
    "methods with the same pretraining recipe (DEC and IDEC; DKM and DCN).",
    "- DEC: ClustPy pretrains with Adam and fine-tunes with `optimizer_class=SGD`, "
    "`clustering_optimizer_params={'lr': 0.01, 'momentum': 0.9}` as DEC-keras and ours (its own default is Adam at "
    "1e-4 for both phases' optimiser class). IDEC: Adam at the run's lr, `clustering_loss_weight=0.1` (gamma). "
    "DKM: `alphas=(1000,)`, one constant alpha for all `clustering_epochs` (ClustPy's `clustering_epochs` counts "
    "epochs per alpha; ours: 20 values x 5 epochs of the same alpha), `clustering_loss_weight=1` (lambda; ClustPy's "
    "default is 0.1), Adam at the run's lr. DCN (ClustPy only; our k-means-friendly is a different method, Roy 2024): "
    "our DKM's epochs, batch size and lr, ClustPy's own loss weights.",
    "- Differences that stay, by design of each library: ClustPy computes DEC/IDEC's target P on each batch from "
    "that batch's q; ours freezes P between refreshes from all rows (at each epoch end by default; every T steps "
    "with the option update_interval = T, as the references with T = 140) and stops when fewer than 0.1 % of "
    "labels change (ClustPy has no stopping rule, so it always runs every epoch: see Clustering epochs). ClustPy shuffles DEC's batches, ours walks the rows in order as "
    "DEC-keras. ClustPy's reconstruction loss sums squared errors over features (unless --peer-reconstruction mean); "
    "our DEC/IDEC/pretraining losses average them (Keras 'mse'), so ClustPy's IDEC weighs its KL term d times less "
    "against reconstruction than ours; DKM's loss sums on both sides.",
    "- Labels scored: each method's own assignment on both sides (ours: argmax q / nearest centroid at the last "
    "epoch; ClustPy: `dec_labels_` / `dkm_labels_` / `dcn_labels_`). ClustPy's `labels_` come from a final KMeans "
    "on the embedding and are listed under the table, with each library's start: the k-means on its pretrained "
    "autoencoder that the clustering begins from.",
    "- Timings (wall clock): Pretraining s/epoch from the runs that trained their autoencoder. Clustering s/epoch: "
    "the clustering epochs only (ours: with the per-epoch snapshot our loop records: embedding of all rows, labels, "
    "metrics, 2-D view; ClustPy: its `_*_Module.fit` loop, timed by a wrapper). Total s: pretraining of the "
    "autoencoder the run used + the clustering phase (ours: AE + k-means reference, k-means init, epochs; ClustPy: "
    "initial KMeans, epochs, final predict and final KMeans). Runs are interleaved (ours, then ClustPy's, seed by "
    "seed), so background load hits both sides alike.",
    "- GFLOP/s: the FLOPs of an epoch's training steps (forward and backward of the network part the phase trains, "
    "on every row, counted by torch.utils.flop_counter: the same count for both libraries) over the epoch's seconds; "
    "against the plain matrix product above, how close each epoch comes to what the machine gives a matrix product. "
    "Work besides the steps (our DEC/IDEC target refresh and snapshot) counts in the seconds, not in the FLOPs.",
    "- Precision: a `deepclust (bfloat16)` row trains with TrainConfig.precision = \"bfloat16\" (its autoencoder's "
    "layers in bfloat16 mixed precision, where the CPU has bfloat16 arithmetic); ClustPy and `deepclust` rows "
    "in float32.",
]


def header(command: str, machine: dict, seeds: list[int], started: str, results: list[PeerResult],
           notes: list[str] = ()) -> str:
    peer = next((r.extra for r in results if r.library == THEIRS and r.ok), None)
    peer_line = (f"ClustPy {peer['clustpy']} on torch {peer['torch']} with {peer['threads']} threads (peer venv)"
                 if peer else "ClustPy: no finished run")
    if "--flush-denormal" in command:
        peer_line += "; torch.set_flush_denormal(True) in both libraries' processes (--flush-denormal)"
    commands = command.split(" ; ")
    command_lines = ([f"- Command: `{command}`"] if len(commands) == 1 else
                     [f"- Commands (one table merged from {len(commands)} runs of the script):"] + [f"  - `{c}`" for c in commands])
    return "\n".join([
        "### Quality and speed against ClustPy: deepclust vs ClustPy on the same data and settings", "",
        *command_lines, f"- Machine: {machine_line(machine)}", f"- Peer: {peer_line}",
        *([f"- Plain matrix product ({MATMUL_SIZE}x{MATMUL_SIZE}, same threads, this run): {machine['matmul']}"]
          if machine.get("matmul") else []),
        f"- Started: {started}",
        f"- Seeds: {', '.join(map(str, seeds))} (model seed; data subsamples drawn once with seed {SUBSAMPLE_SEED}). "
        "ACC / NMI / ARI: mean ± sample std (ddof=1) over seeds, scored by deepclust_core.evaluation.metrics for both libraries.",
        *[f"- Note: {note}" for note in notes], *MATCHING,
    ])


def report(command: str, machine: dict, seeds: list[int], started: str, results: list[PeerResult], planned: int,
           notes: list[str] = ()) -> str:
    text = header(command, machine, seeds, started, results, notes)
    if len(results) < planned:
        text += f"\n- Incomplete: {len(results)} of {planned} runs finished."
    return text + "\n\n" + markdown_table(results) + "\n"


def runs_json(command: str, notes: list[str], started: str, machine: dict, seeds: list[int], planned: int,
              results: list[PeerResult]) -> str:
    """The --json file: every run's raw numbers, with what --merge needs to rebuild the table's header."""
    payload = {"command": command, "notes": notes, "started": started, "machine": machine, "seeds": seeds,
               "planned": planned, "subsample_seed": SUBSAMPLE_SEED,
               "runs": [asdict(r) | {"total_seconds": r.total_seconds} for r in results]}
    return json.dumps(payload, indent=2) + "\n"


def load_runs(path: str) -> tuple[dict, list[PeerResult]]:
    """A --json file back: its payload and its runs (--merge)."""
    payload = json.loads(Path(path).read_text())
    names = {f.name for f in fields(PeerResult)}
    return payload, [PeerResult(**{k: v for k, v in run.items() if k in names}) for run in payload["runs"]]
