"""One ClustPy run for bench.peers, executed by the peer venv's Python (.venv-peers), never the project's.

    .venv-peers/bin/python bench/peers/clustpy_run.py --data rows.npz --method dec --seed 0 --n-clusters 10 \
        --pretrain-epochs 200 --cluster-epochs 75 --batch-size 256 --lr 1e-3 --weights ae.pt --out result.json

Standalone on purpose: it imports numpy, torch and ClustPy only (no deepclust_core), reads the rows
from an .npz written by bench.peers (`X` only: the labels never reach this process), trains
ClustPy's DEC / IDEC / DKM / DCN and writes the predicted labels and the timings as JSON; the
scores are computed by bench/peers/runs.py with deepclust_core.evaluation.metrics, the same code as for our runs.

How each run is matched with ours (the table's notes in bench/peers/table.py repeat it):
- Autoencoder: ClustPy's FeedforwardAutoencoder with layers d-500-500-2000-10 (our --hidden /
  --embedding-dim) and activation_fn=torch.nn.ReLU (ClustPy's default is LeakyReLU), no batch norm,
  no dropout, linear embedding and output: the same network as deepclust_core's MLP autoencoder.
- Pretraining: ClustPy's own `get_trained_network` (Adam, lr --lr, --pretrain-epochs epochs, batch
  --batch-size, shuffled batches, its default loss `mean_squared_error`: squared error summed over
  features, averaged over the batch). It runs as a separate step so that (1) DEC can pretrain with Adam
  and fine-tune with SGD, as our DEC does in these runs (ClustPy uses one `optimizer_class` for both
  phases) and (2) it can be timed apart. The weights go to --weights; a later run of the same recipe
  (DEC and IDEC of one seed, DKM and DCN of one seed) loads them through ClustPy's own
  `neural_network_weights`, as our runs share a pretrained autoencoder through deepclust's cache.
- Clustering: ClustPy's estimator `fit` with the pretrained network, `clustering_epochs`, the same
  batch size, optimiser and learning rate as ours (see `method_kwargs`), KMeans(n_init as ours) for the
  initial centres. ClustPy has no stopping rule: it always runs every epoch.
- Labels: the method's own assignment (`dec_labels_`, `dkm_labels_`, `dcn_labels_`: argmax q / nearest
  centre), like ours. ClustPy's `labels_` (a final KMeans on the embedding) is written too, and so are
  the labels of its initial clustering (KMeans on the pretrained embedding, recorded as ClustPy's
  `run_initial_clustering` returns them): its AE + k-means, the start both libraries refine.
- Timings: `pretrain_seconds` around get_trained_network; `epochs_seconds` around the method's
  `_*_Module.fit` (the clustering epochs only, wrapped with a timer, nothing else changed);
  `fit_seconds` the whole estimator fit (initial KMeans, epochs, final predict and final KMeans).

torchvision: `import clustpy.deep` imports torchvision (data augmentation helpers, ResNet weights), and
PyPI's torchvision 0.28.0 (the release that pins torch 2.13.0) is a CUDA build whose compiled ops need
libtorch_cuda.so, absent from the CPU torch: its `_meta_registrations` then fails at import ("operator
torchvision::nms does not exist"). Nothing here uses torchvision's compiled ops, so `import_clustpy`
puts empty modules in place of torchvision's two op-registration modules before importing it; the rest
of torchvision imports as shipped.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import types
from pathlib import Path

METHODS = ("dec", "idec", "dkm", "dcn")


def import_clustpy():
    """clustpy.deep with torchvision's op registrations skipped (see the module docstring)."""
    for name in ("torchvision._meta_registrations", "torchvision._autograd_registrations"):
        sys.modules.setdefault(name, types.ModuleType(name))
    import clustpy
    import clustpy.deep

    return clustpy


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="one ClustPy run for bench.peers")
    parser.add_argument("--data", required=True, help=".npz with X (n, d) float32")
    parser.add_argument("--method", required=True, choices=METHODS)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n-clusters", type=int, required=True)
    parser.add_argument("--pretrain-epochs", type=int, required=True)
    parser.add_argument("--cluster-epochs", type=int, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--lr", type=float, required=True, help="Adam learning rate of pretraining (and of clustering, but DEC)")
    parser.add_argument("--hidden", default="500,500,2000")
    parser.add_argument("--embedding-dim", type=int, default=10)
    parser.add_argument("--options", default="{}", help="JSON: method settings (n_init, sgd_lr, momentum, gamma, lam, alpha...)")
    parser.add_argument("--reconstruction", choices=("sum", "mean"), default="sum",
                        help="sum: ClustPy's mean_squared_error (summed over features); mean: torch's mse_loss")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--flush-denormal", action="store_true", help="torch.set_flush_denormal(True), as bench.peers")
    parser.add_argument("--weights", help="pretrained autoencoder file: loaded when it exists, else written")
    parser.add_argument("--out", required=True, help="JSON result file")
    return parser


def method_kwargs(method: str, args, options: dict, torch) -> dict:
    """ClustPy's constructor arguments that carry our settings (beyond network, epochs, batch size)."""
    n_init = int(options.get("n_init", 10))
    common = {"n_clusters": args.n_clusters, "batch_size": args.batch_size, "pretrain_epochs": args.pretrain_epochs,
              "clustering_epochs": args.cluster_epochs, "pretrain_optimizer_params": {"lr": args.lr},
              "initial_clustering_params": {"n_init": n_init}}
    if method == "dec":
        if options.get("optimizer", "sgd") == "sgd":  # DEC-keras and our DEC: SGD(0.01, momentum 0.9)
            optimizer = {"optimizer_class": torch.optim.SGD, "clustering_optimizer_params":
                         {"lr": float(options.get("sgd_lr", 0.01)), "momentum": float(options.get("momentum", 0.9))}}
        else:
            optimizer = {"optimizer_class": torch.optim.Adam, "clustering_optimizer_params": {"lr": args.lr}}
        return common | optimizer | {"alpha": float(options.get("alpha", 1.0))}
    if method == "idec":
        if options.get("optimizer", "adam") == "sgd":
            optimizer = {"optimizer_class": torch.optim.SGD, "clustering_optimizer_params":
                         {"lr": float(options.get("sgd_lr", 0.1)), "momentum": float(options.get("momentum", 0.99))}}
        else:
            optimizer = {"optimizer_class": torch.optim.Adam, "clustering_optimizer_params": {"lr": args.lr}}
        return common | optimizer | {"alpha": float(options.get("alpha", 1.0)),
                                     "clustering_loss_weight": float(options.get("gamma", 0.1)), "ssl_loss_weight": 1.0}
    if method == "dkm":  # constant alpha: one alpha value for all clustering epochs (= 20 values x 5 epochs)
        return common | {"alphas": (float(options.get("alpha", 1000.0)),), "clustering_optimizer_params": {"lr": args.lr},
                         "clustering_loss_weight": float(options.get("lam", 1.0)), "ssl_loss_weight": 1.0}
    # dcn: ClustPy's defaults for its own loss weights (clustering_loss_weight 0.1), our epochs / batch / lr
    return common | {"clustering_optimizer_params": {"lr": args.lr}}


MODULES = {"dec": ("dec", "_DEC_Module", "dec_labels_"), "idec": ("dec", "_DEC_Module", "dec_labels_"),
           "dkm": ("dkm", "_DKM_Module", "dkm_labels_"), "dcn": ("dcn", "_DCN_Module", "dcn_labels_")}


def time_epochs(module, timings: dict) -> None:
    """Wrap `module.fit` (the clustering epochs loop) with a timer; its behaviour is unchanged."""
    original = module.fit

    def fit(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            timings["epochs_seconds"] += time.perf_counter() - started

    module.fit = fit


def record_initial_labels(train_utils, recorded: dict) -> None:
    """Wrap ClustPy's `run_initial_clustering` (as `_train_utils` calls it) to keep the labels it returns."""
    original = train_utils.run_initial_clustering

    def run_initial_clustering(*args, **kwargs):
        n_clusters, labels, centers, clustering = original(*args, **kwargs)
        recorded["initial_labels"] = [int(label) for label in labels]
        return n_clusters, labels, centers, clustering

    train_utils.run_initial_clustering = run_initial_clustering


def warm_up(torch) -> None:
    """Pay torch's one-time costs (the first optimiser step imports torch._dynamo) before any timing; bench.peers
    calls it too, in its own process. `torch` is passed in: this module imports it only when it runs."""
    layer = torch.nn.Linear(2, 2)
    for optimizer in (torch.optim.Adam(layer.parameters()), torch.optim.SGD(layer.parameters(), lr=0.1, momentum=0.9)):
        optimizer.zero_grad()
        layer(torch.ones(1, 2)).sum().backward()
        optimizer.step()


def run(args) -> dict:
    import numpy as np
    import torch

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.flush_denormal:
        torch.set_flush_denormal(True)
    clustpy = import_clustpy()
    from clustpy.deep import DCN, DEC, DKM, IDEC, _train_utils
    from clustpy.deep._data_utils import get_dataloader
    from clustpy.deep._train_utils import get_trained_network
    from clustpy.deep._utils import mean_squared_error, set_torch_seed
    from clustpy.deep.neural_networks import FeedforwardAutoencoder
    from clustpy.utils.checks import check_random_state

    warm_up(torch)
    X = np.load(args.data, allow_pickle=False)["X"].astype(np.float32)
    options = json.loads(args.options)
    layers = [X.shape[1], *(int(w) for w in args.hidden.split(",") if w), args.embedding_dim]
    network = (FeedforwardAutoencoder, {"layers": layers, "activation_fn": torch.nn.ReLU})
    loss = mean_squared_error if args.reconstruction == "sum" else torch.nn.functional.mse_loss
    device = torch.device(args.device)
    weights = Path(args.weights) if args.weights else None
    result = {"clustpy": clustpy.__version__, "torch": torch.__version__, "threads": torch.get_num_threads(),
              "layers": layers, "pretrain_seconds": 0.0, "pretrain_cached": False, "epochs_seconds": 0.0}

    # Pretraining, ClustPy's own routine, once per recipe (weights file) and seed
    if args.pretrain_epochs > 0 and (weights is None or not weights.is_file()):
        started = time.perf_counter()
        random_state = check_random_state(args.seed)
        set_torch_seed(random_state)
        trained = get_trained_network(get_dataloader(X, args.batch_size, True), n_epochs=args.pretrain_epochs,
                                      optimizer_params={"lr": args.lr}, optimizer_class=torch.optim.Adam, device=device,
                                      ssl_loss_fn=loss, neural_network=network, random_state=random_state)
        result["pretrain_seconds"] = time.perf_counter() - started
        if weights is None:
            weights = Path(args.out).with_suffix(".ae.pt")
        trained.save_parameters(weights)
    elif args.pretrain_epochs > 0:
        result["pretrain_cached"] = True

    file, module_name, labels_name = MODULES[args.method]
    module = getattr(getattr(clustpy.deep, file), module_name)
    time_epochs(module, result)
    record_initial_labels(_train_utils, result)
    estimator_class = {"dec": DEC, "idec": IDEC, "dkm": DKM, "dcn": DCN}[args.method]
    kwargs = method_kwargs(args.method, args, options, torch)
    estimator = estimator_class(**kwargs, ssl_loss_fn=loss, neural_network=network,
                                neural_network_weights=str(weights) if args.pretrain_epochs > 0 else None,
                                embedding_size=args.embedding_dim, device=device, random_state=args.seed)
    started = time.perf_counter()
    estimator.fit(X)
    result["fit_seconds"] = time.perf_counter() - started
    epochs = args.cluster_epochs * (len(kwargs["alphas"]) if "alphas" in kwargs else 1)
    result |= {"epochs": epochs, "labels": np.asarray(getattr(estimator, labels_name)).astype(int).tolist(),
               "kmeans_labels": np.asarray(estimator.labels_).astype(int).tolist(),
               "kwargs": {k: (v.__name__ if isinstance(v, type) else v) for k, v in kwargs.items()}}
    return result


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result = run(args)
    Path(args.out).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
