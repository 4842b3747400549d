"""A torch optimiser from its description (settings/optimisers.py), its numbers read from the settings it names."""
from __future__ import annotations

from typing import Callable

import torch

from ..settings.optimisers import Optimiser

KINDS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}


def build_optimiser(optimiser: Optimiser, params, value_of: Callable[[str], float]) -> torch.optim.Optimizer:
    """`optimiser` over `params`; `value_of(name)` is the value of the setting `name` (its step size, momentum)."""
    extra = {}
    if optimiser.momentum is not None:
        extra["momentum"] = value_of(optimiser.momentum)
    if optimiser.eps is not None:
        extra["eps"] = optimiser.eps
    return KINDS[optimiser.kind](params, lr=value_of(optimiser.step_size), **extra)
