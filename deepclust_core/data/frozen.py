"""Read-only arrays and mappings: what the immutable values of a run (snapshots, the method's
view, every row's results) are made of, so the UI, the run store and the CLI can hold them
without copying and without racing the trainer."""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

import numpy as np


def frozen_array(values, dtype=None) -> np.ndarray:
    array = np.array(values, dtype=dtype, copy=True)
    array.flags.writeable = False
    return array


def frozen_mapping(values: Mapping | None) -> Mapping:
    return MappingProxyType(dict(values or {}))
