"""When a run has diverged: a loss that is NaN or infinite, or one that explodes while staying finite.

A finite explosion is judged without labels, against the phase's own starting scale: the
largest absolute value any loss term had on its first batch of the phase (pretraining,
clustering), or on its first batch at all for a term that joins later (AE-CM's reconstruction
after its CM-only epochs). A term whose absolute value passes `GROWTH_LIMIT` times that scale
has diverged. Measuring against the largest term rather than each term's own start keeps a
term that starts at zero (DEKM's held coordinates: its targets come from the same embedding)
from firing on its first harmless growth.

Measured on digits (batch-level maxima of |term| / scale): every method at its suggested
settings with 5 + 5 epochs stays below 2, except DEKM's first clustering steps on a barely
trained embedding (280 after 5 pretraining epochs, 3,900 from an untrained autoencoder: its
first loss is tiny). An exploding run passes the limit on its second batch: DEKM at learning
rate 1.0 reaches 3.5e32, at 0.03 3.1e9; at 0.01 one spike of 2.5e4 recovers and is left alone.
"""
from __future__ import annotations

import math

GROWTH_LIMIT = 1e6  # 250 x the largest growth of a normal run measured, far below an explosion


class TrainingDiverged(RuntimeError):
    """A loss became NaN or infinite, or exploded; the message says where and what to try."""


class DivergenceGuard:
    """Checks every batch's loss terms within one phase; `check` raises TrainingDiverged."""

    def __init__(self, growth_limit: float = GROWTH_LIMIT):
        self.growth_limit = growth_limit
        self.scale = 0.0  # the largest |term| seen on a term's first batch in this phase
        self.seen: set[str] = set()  # the terms whose first batch is behind

    def check(self, terms: dict[str, float], where: str, batch_number: int) -> None:
        """Raise TrainingDiverged when a term of this batch is not finite or has exploded."""
        bad = [name for name, value in terms.items() if not math.isfinite(value)]
        if bad:
            raise TrainingDiverged(f"the loss ({', '.join(bad)}) became NaN or infinite in {where}, batch "
                                   f"{batch_number}; try a lower learning rate")
        new = [abs(value) for name, value in terms.items() if name not in self.seen]
        self.scale = max([self.scale, *new])
        if self.scale == 0.0:  # every term still zero: nothing to measure against yet
            return
        self.seen.update(terms)
        limit = self.growth_limit * self.scale
        exploded = {name: value for name, value in terms.items() if abs(value) > limit}
        if exploded:
            named = {name: value for name, value in exploded.items() if name != "total"} or exploded
            name, value = max(named.items(), key=lambda item: abs(item[1]))
            raise TrainingDiverged(f"the loss ({name}) exploded to {value:.3g}, more than {self.growth_limit:,.0f} "
                                   f"times the loss at the start ({self.scale:.3g}), in {where}, batch {batch_number}; "
                                   "try a lower learning rate")
