"""How a trained method assigns rows, kept as plain arrays: a stored run assigns new rows with the
state its method had at a snapshot, and every row gets the method's own confidence.

    assigner = assigner_of(method, cluster_ids)            # at a snapshot (SnapshotBuilder)
    labels, confidence = assigner.assign(H, config)         # later, in any process, on embedded rows H

Each method's rule is its own `predict`, run on a method rebuilt from the attributes it reads
(METHOD_STATE). Its confidence is its soft assignment where it has one, named after it: DEC's
q (Eq. 1 of Xie et al. 2016), DEPICT's p, AE-CM's gamma, DKM's G; k-means methods have none,
and give instead each row's distance to its cluster's centre. During pretraining, and for a
method not listed, rows go to the nearest k-means centre of the snapshot.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

import numpy as np

from ..data.frozen import frozen_array, frozen_mapping

if TYPE_CHECKING:
    from ..settings.train import TrainConfig
    from . import Method

DISTANCE = "distance_to_centre"  # the column of methods without a soft assignment: smaller is surer


@dataclass(frozen=True)
class MethodState:
    attributes: tuple[str, ...]  # what the method's predict() and confidence read
    confidence_name: str = DISTANCE
    confidence: Callable[["Method", np.ndarray], np.ndarray] | None = None  # (n,), from embedded rows
    stored: bool = True  # False: the state cannot be kept as arrays, so a stored run assigns no new rows


def _dkm_confidence(method, H: np.ndarray) -> np.ndarray:
    """max_k G_k(h, alpha) at the alpha of the last epoch (DKM Eq. of G; dkm.soft_assignment)."""
    import torch

    from .dkm import soft_assignment

    alpha = method.alpha_at(max(method.epochs_done, 1))
    return soft_assignment(torch.tensor(H), torch.tensor(method.centroids()), alpha)[1].max(1).values.numpy()


METHOD_STATE: dict[str, MethodState] = {
    "dekm": MethodState(("centers",)),
    "ae-kmeans": MethodState(("centers",)),
    "dkm": MethodState(("representatives", "epochs_done"), "confidence_max_G", _dkm_confidence),
    "kmeans-friendly": MethodState(("representatives", "epochs_done"), "confidence_max_G", _dkm_confidence),
    "dec": MethodState(("mu",), "confidence_max_q", lambda m, H: m.soft_assignments(H).max(1)),
    "idec": MethodState(("mu",), "confidence_max_q", lambda m, H: m.soft_assignments(H).max(1)),
    "depict": MethodState(("theta", "bias"), "confidence_max_p", lambda m, H: m.probabilities(H).max(1)),
    "aecm": MethodState(("cm",), "confidence_max_gamma", lambda m, H: m.gamma(H).max(1)),
    # N2D's UMAP model cannot be kept without pickling it: its rows get the mixture's posterior, new rows nothing
    "n2d": MethodState((), "confidence_max_posterior", lambda m, H: m.posteriors(H).max(1), stored=False),
}


def confidence_name(method: Method) -> str:
    """The column name of `method`'s per-row confidence (row_confidence)."""
    spec = METHOD_STATE.get(method.card.name)
    return spec.confidence_name if spec is not None else DISTANCE


@dataclass(frozen=True, eq=False)
class Assigner:
    """What assigns rows to a run's clusters at one snapshot."""

    method: str | None  # the method whose predict() assigns; None: the nearest of state["centroids"]
    state: Mapping[str, np.ndarray] = field(default_factory=dict)
    cluster_ids: np.ndarray | None = None  # (K,) the shown id of the method's cluster k; None: the same

    def __post_init__(self):
        object.__setattr__(self, "state", frozen_mapping({k: frozen_array(v) for k, v in self.state.items()}))
        if self.cluster_ids is not None:
            object.__setattr__(self, "cluster_ids", frozen_array(self.cluster_ids, np.int64))

    @property
    def confidence_name(self) -> str:
        return METHOD_STATE[self.method].confidence_name if self.method else DISTANCE

    def assign(self, H: np.ndarray, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
        """Each embedded row's cluster (as the run shows it) and confidence (see `confidence_name`)."""
        H = np.array(H, dtype=np.float32)  # writable: torch takes it without a warning
        if self.method is None:
            return nearest_centre(H, self.state["centroids"])
        method = restored_method(self.method, self.state, config)
        labels = np.asarray(method.predict(H), dtype=np.int64)
        shown = labels if self.cluster_ids is None else self.cluster_ids[labels]
        return shown, row_confidence(method, H, labels)

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {f"state.{name}": value for name, value in self.state.items()}
        arrays["method"] = np.array(self.method or "")
        if self.cluster_ids is not None:
            arrays["cluster_ids"] = self.cluster_ids
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> "Assigner":
        state = {name.removeprefix("state."): value for name, value in arrays.items() if name.startswith("state.")}
        return cls(str(arrays["method"]) or None, state, arrays.get("cluster_ids"))


def assigner_of(method: Method, cluster_ids: np.ndarray) -> Assigner | None:
    """The state `method` assigns with now (None for a method this module does not know)."""
    spec = METHOD_STATE.get(method.card.name)
    if spec is None or not spec.stored:
        return None
    state = {}
    for name in spec.attributes:
        value = getattr(method, name)
        if hasattr(value, "state_dict"):  # a module: its tensors, by their names
            state.update({f"{name}.{key}": t.detach().cpu().numpy() for key, t in value.state_dict().items()})
        else:
            state[name] = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
    return Assigner(method.card.name, state, cluster_ids)


def restored_method(name: str, state: Mapping[str, np.ndarray], config: TrainConfig) -> Method:
    """A `name` method on the CPU holding `state`: its predict() and confidence work, training does not."""
    import torch

    from . import make_method

    method = make_method(name, config.n_clusters, config.seed, config.method_options)
    method.device = torch.device("cpu")
    for attribute in METHOD_STATE[name].attributes:
        if attribute == "cm":
            method.cm = _clustering_module(state, config.seed)
        elif state[attribute].ndim == 0:
            setattr(method, attribute, state[attribute].item())
        elif attribute == "centers":
            setattr(method, attribute, np.array(state[attribute]))
        else:
            setattr(method, attribute, torch.nn.Parameter(torch.tensor(state[attribute]), requires_grad=False))
    return method


def _clustering_module(state: Mapping[str, np.ndarray], seed: int):
    """AE-CM's clustering module with the stored weights."""
    import torch

    from .aecm import ClusteringModule

    weights = {key.removeprefix("cm."): torch.tensor(value) for key, value in state.items() if key.startswith("cm.")}
    n_clusters, dim = weights["assign.weight"].shape
    module = ClusteringModule(dim, n_clusters, "assign.bias" in weights, seed)
    module.load_state_dict(weights)
    return module.eval()


def row_confidence(method: Method, H: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each row's confidence as the method defines it (METHOD_STATE), else its distance to its centre."""
    spec = METHOD_STATE.get(method.card.name)
    if spec is not None and spec.confidence is not None:
        return np.asarray(spec.confidence(method, H), dtype=np.float32)
    centres = method.centroids()
    return distance_to_centre(H, centres, labels) if centres is not None else np.full(len(H), np.nan, np.float32)


def nearest_centre(H: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's nearest centre and its distance to it."""
    squared = ((H[:, None, :] - centres[None]) ** 2).sum(-1)
    labels = squared.argmin(axis=1)
    return labels, np.sqrt(squared[np.arange(len(H)), labels]).astype(np.float32)


def distance_to_centre(H: np.ndarray, centres: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each row's Euclidean distance to the centre of its own cluster."""
    return np.linalg.norm(H - centres[labels], axis=1).astype(np.float32)
