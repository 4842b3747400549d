"""Which optimiser a phase of a run uses and which settings hold its numbers, as data (no torch).

Pretraining's is TrainConfig's (`pretraining_optimiser`), the clustering phase's the method card's
(`MethodCard.clustering_optimiser`). The loop builds both from these descriptions
(networks/optimiser.py), and the app's form reads the same descriptions to say which phase and
optimiser each setting drives (recipe/drives.py): a step size or a momentum is a setting because
one of these names it, never by a second account of the recipe.
"""
from __future__ import annotations

from dataclasses import dataclass

from .train import TrainConfig

TITLES = {"adam": "Adam", "adamw": "AdamW", "sgd": "SGD with momentum"}  # torch.optim's Adam, AdamW, SGD


@dataclass(frozen=True)
class Optimiser:
    kind: str  # a key of TITLES
    step_size: str  # the setting that holds its step size: a TrainConfig field ("lr") or a method option ("sgd_lr")
    momentum: str | None = None  # the setting that holds SGD's momentum
    eps: float | None = None  # Adam's epsilon when it is not torch's 1e-8 (AE-CM's 'adam|3': 1e-3)

    def __post_init__(self):
        if self.kind not in TITLES:
            raise ValueError(f"optimiser kind must be one of {', '.join(TITLES)}, got {self.kind!r}")

    @property
    def title(self) -> str:
        return TITLES[self.kind] + (f" (eps {self.eps:g})" if self.eps is not None else "")

    @property
    def settings(self) -> tuple[str, ...]:
        """The settings whose values it reads."""
        return (self.step_size,) + ((self.momentum,) if self.momentum else ())


ADAM_AT_LR = Optimiser("adam", "lr")  # every reference's clustering optimiser but DEC-keras'


def adam_at_lr(options) -> Optimiser:
    """The clustering optimiser of a method whose reference uses Adam at the run's lr, whatever its options."""
    return ADAM_AT_LR


def pretraining_optimiser(config: TrainConfig) -> Optimiser:
    """Adam at the run's lr, or SGD with momentum (DEC-keras: SGD(lr=1, momentum=0.9))."""
    if config.pretrain_optimizer == "sgd":
        return Optimiser("sgd", "pretrain_sgd_lr", "pretrain_momentum")
    return ADAM_AT_LR
