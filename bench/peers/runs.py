"""One run of bench.peers, on either side: ours with `deepclust_core.train` in this process,
ClustPy's with bench/peers/clustpy_run.py in a subprocess of the peer venv, handed our settings.

Which library runs a method: SHARED on both, PEER_ONLY (DCN) on ClustPy's only, with our DKM's
settings, any other registered method of ours on deepclust's only. Both sides record the
pretraining time of an autoencoder in `ae_seconds` (keyed by library and pretraining recipe) when
they train it, so that a later run sharing it can count it in its total.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from bench.peers.table import OURS, THEIRS, PeerResult
from bench.settings import build_config, overrides_from
from deepclust_core import METHODS, Dataset, TrainConfig, TrainingDiverged, train
from deepclust_core.data.dataset import DataError
from deepclust_core.evaluation.metrics import clustering_scores
from deepclust_core.networks.pretrain import pretrain_key

ROOT = Path(__file__).resolve().parents[2]
PEER_SCRIPT = Path(__file__).resolve().with_name("clustpy_run.py")
PEER_PYTHON = ROOT / ".venv-peers" / "bin" / "python"
PEER_INSTALL = "make .venv-peers/.installed"
SHARED = ("dec", "idec", "dkm")  # both libraries
PEER_ONLY = ("dcn",)  # ClustPy only; it trains with our DKM's settings (pretraining 50, 100 epochs, Adam 1e-3)
SETTINGS_OF_PEER_ONLY = {"dcn": "dkm"}  # the method of ours whose settings a ClustPy-only method trains with


def check_methods(methods: list[str]) -> None:
    """ValueError with a one-line message unless every method is ours or ClustPy-only."""
    unknown = [m for m in methods if m not in METHODS and m not in PEER_ONLY]
    if unknown:
        raise ValueError(f"unknown method {', '.join(unknown)} in --methods; choose from "
                         f"{', '.join([*METHODS, *PEER_ONLY])}")
    if not methods:
        raise ValueError("--methods needs at least one method")


def libraries_of(method: str) -> tuple[str, ...]:
    """The libraries that run `method`, ours first."""
    return (OURS, THEIRS) if method in SHARED else (THEIRS,) if method in PEER_ONLY else (OURS,)


def our_config(method: str, n_clusters: int, seed: int, args, cache_dir: str) -> TrainConfig:
    """The settings of `method`'s runs on both sides: its reference settings, then the command line's overrides,
    with pretraining as ClustPy's get_trained_network does it (Adam at the run's lr, PyTorch's default init),
    so that both libraries start from the same kind of autoencoder (DEC-keras' SGD pretraining is not ClustPy's)."""
    config = build_config(SETTINGS_OF_PEER_ONLY.get(method, method), n_clusters, seed, overrides_from(args),
                          cache_dir=cache_dir, device=args.device)
    return replace(config, pretrain_optimizer="adam", autoencoder=replace(config.autoencoder, init="default"))


def run_ours(data: Dataset, config: TrainConfig, spec: str, settings: str, ae_seconds: dict) -> PeerResult:
    """deepclust_core.train to the end, timed at every snapshot; labels scored with our metrics."""
    library = OURS if config.precision == "float32" else f"{OURS} ({config.precision})"
    result = PeerResult(spec, library, config.method, config.seed, settings, pretrain_epochs=config.pretrain_epochs,
                        planned_epochs=config.cluster_epochs if METHODS[config.method].fine_tunes else 0)
    key = pretrain_key(data, config)
    started = pretrained = time.perf_counter()
    initialised, last, cached = None, None, False
    try:
        for snapshot in train(data, config):
            now = time.perf_counter()
            if snapshot.phase == "pretrain":
                pretrained = now
                cached = cached or bool(snapshot.scalars.get("cached"))
            elif initialised is None:
                initialised = now  # the epoch-0 snapshot: after AE + k-means and the method's setup
            last = snapshot
    except (TrainingDiverged, DataError, ValueError, RuntimeError) as error:
        return replace(result, ok=False, error=f"{type(error).__name__}: {error}")
    ended = time.perf_counter()
    if last is None or last.phase != "cluster":
        return replace(result, ok=False, error="no clustering snapshot")
    if config.pretrain_epochs and not cached:
        ae_seconds[(OURS, key)] = pretrained - started
    scores = clustering_scores(data.y, last.labels)
    reference = {f"ae_kmeans_{name}": value for name, value in last.reference_metrics.items()}
    return replace(result, **scores, pretrain_seconds=0.0 if cached else pretrained - started, pretrain_shared=cached,
                   ae_seconds=ae_seconds.get((OURS, key)) if config.pretrain_epochs else 0.0,
                   epochs=last.epoch, converged=bool(last.converged), init_seconds=initialised - pretrained,
                   epochs_seconds=ended - initialised, wall_seconds=ended - started, extra=reference)


def peer_options(method: str, config: TrainConfig) -> dict:
    """Our method's settings that ClustPy's run copies (k-means restarts, optimiser, loss weights, alpha)."""
    if method in ("dec", "idec"):
        options = asdict(METHODS[method].card.config_class(**config.method_options))
        return {name: options[name] for name in ("alpha", "n_init", "optimizer", "sgd_lr", "momentum", "gamma") if name in options}
    if method == "dkm":
        options = asdict(METHODS["dkm"].card.config_class(**config.method_options))
        if options["schedule"] != "constant":
            raise ValueError("the ClustPy comparison covers DKM's constant-alpha schedule only")
        return {"alpha": options["alpha"], "lam": options["lam"], "n_init": METHODS["dkm"].kmeans_restarts}
    return {"n_init": METHODS["dkm"].kmeans_restarts}  # dcn: ClustPy's loss weights, our k-means restarts


def peer_epochs(method: str, config: TrainConfig) -> int:
    """Clustering epochs ClustPy runs: ours, capped for DKM by its schedule (20 alphas x 5 epochs)."""
    if method == "dkm":
        options = METHODS["dkm"].card.config_class(**config.method_options)
        return min(config.cluster_epochs, (options.n_alphas or 20) * options.epochs_per_alpha)
    return config.cluster_epochs


def describe_peer(method: str, config: TrainConfig, options: dict, reconstruction: str) -> str:
    """The Settings cell of a ClustPy row, in ClustPy's terms."""
    ae = config.autoencoder
    widths = "-".join(str(w) for w in (*ae.hidden, ae.embedding_dim))
    if options.get("optimizer", "sgd" if method == "dec" else "adam") == "sgd":  # DEC: SGD by default; IDEC: Adam
        optimiser = f"SGD lr {options['sgd_lr']:g} momentum {options['momentum']:g}"
    else:
        optimiser = f"Adam lr {config.lr:g}"
    weights = {"idec": f"clustering_loss_weight {options.get('gamma', 0.1):g}",
               "dkm": f"alphas ({options.get('alpha', 1000):g},), clustering_loss_weight {options.get('lam', 1):g}",
               "dcn": "clustering_loss_weight 0.1 (ClustPy default)"}.get(method, "")
    parts = [f"pre {config.pretrain_epochs} (Adam lr {config.lr:g})", f"clu {peer_epochs(method, config)} ({optimiser})",
             f"bs {config.batch_size}", f"AE mlp {widths} relu", f"KMeans n_init {options.get('n_init', 10)}",
             f"reconstruction {'sum over features' if reconstruction == 'sum' else 'mean'}"]
    return ", ".join(parts + ([weights] if weights else []))


def peer_weights_key(data: Dataset, config: TrainConfig, reconstruction: str) -> str:
    """Names ClustPy's pretrained-autoencoder file: the same for every run of one pretraining recipe and seed."""
    recipe = {"data": data.fingerprint(), "hidden": config.autoencoder.hidden, "embedding": config.autoencoder.embedding_dim,
              "seed": config.seed, "epochs": config.pretrain_epochs, "batch_size": config.batch_size, "lr": config.lr,
              "reconstruction": reconstruction}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:24]


def peer_command(npz: Path, method: str, config: TrainConfig, options: dict, args, weights: Path,
                 out: Path) -> list[str]:
    """bench/peers/clustpy_run.py's command line, for the peer venv's Python: our settings and the shared ones."""
    command = [args.peer_python, str(PEER_SCRIPT), "--data", str(npz), "--method", method, "--seed", str(config.seed),
               "--n-clusters", str(config.n_clusters), "--pretrain-epochs", str(config.pretrain_epochs),
               "--cluster-epochs", str(peer_epochs(method, config)), "--batch-size", str(config.batch_size),
               "--lr", repr(config.lr), "--hidden", ",".join(map(str, config.autoencoder.hidden)),
               "--embedding-dim", str(config.autoencoder.embedding_dim), "--options", json.dumps(options),
               "--reconstruction", args.peer_reconstruction, "--threads", str(args.threads), "--device", args.device,
               "--weights", str(weights), "--out", str(out)]
    return command + (["--flush-denormal"] if args.flush_denormal else [])


def run_peer(data: Dataset, npz: Path, method: str, config: TrainConfig, spec: str, args, workdir: Path,
             ae_seconds: dict) -> PeerResult:
    """bench/peers/clustpy_run.py in the peer venv (`args`: the command line of bench.peers); its labels scored here with our
    metrics; any failure becomes a FAILED result."""
    options = peer_options(method, config)
    settings = describe_peer(method, config, options, args.peer_reconstruction)
    result = PeerResult(spec, THEIRS, method, config.seed, settings, pretrain_epochs=config.pretrain_epochs,
                        planned_epochs=peer_epochs(method, config))
    if not Path(args.peer_python).exists():
        return replace(result, ok=False, error=f"no peer venv at {args.peer_python}: run `{PEER_INSTALL}`")
    key = peer_weights_key(data, config, args.peer_reconstruction)
    out = workdir / f"{spec.replace(':', '-')}-{method}-{config.seed}.json"
    command = peer_command(npz, method, config, options, args, workdir / f"clustpy-{key}.pt", out)
    env = {**os.environ, "TQDM_DISABLE": "1", "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=args.peer_timeout)
    except subprocess.TimeoutExpired:
        return replace(result, ok=False, error=f"ClustPy run stopped after {args.peer_timeout:g} s (--peer-timeout)")
    wall = time.perf_counter() - started
    if done.returncode != 0 or not out.is_file():
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        return replace(result, ok=False, error=f"ClustPy run exited {done.returncode}: {lines[-1] if lines else 'no output'}")
    raw = json.loads(out.read_text())
    out.unlink()
    labels, kmeans_labels = np.asarray(raw["labels"]), np.asarray(raw["kmeans_labels"])
    if len(labels) != data.n_samples:
        return replace(result, ok=False, error=f"ClustPy returned {len(labels)} labels for {data.n_samples} rows")
    if config.pretrain_epochs and not raw["pretrain_cached"]:
        ae_seconds[(THEIRS, key)] = raw["pretrain_seconds"]
    extra = {f"labels_kmeans_{name}": value for name, value in clustering_scores(data.y, kmeans_labels).items()}
    if raw.get("initial_labels"):
        initial = clustering_scores(data.y, np.asarray(raw["initial_labels"]))
        extra |= {f"ae_kmeans_{name}": value for name, value in initial.items()}
    extra |= {"clustpy": raw["clustpy"], "torch": raw["torch"], "threads": raw["threads"], "kwargs": raw["kwargs"]}
    return replace(result, **clustering_scores(data.y, labels), pretrain_seconds=raw["pretrain_seconds"],
                   pretrain_shared=raw["pretrain_cached"],
                   ae_seconds=ae_seconds.get((THEIRS, key)) if config.pretrain_epochs else 0.0,
                   epochs=raw["epochs"], init_seconds=raw["fit_seconds"] - raw["epochs_seconds"],
                   epochs_seconds=raw["epochs_seconds"], wall_seconds=wall, extra=extra)

