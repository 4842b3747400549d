"""A preset's epochs on data smaller than digits keep their length in optimiser steps.

Every card's presets were set and timed on digits (1,797 rows), the app's default data set; their epochs mean
so many optimiser steps there (DEC's quick look: 50 + 30 epochs of 8 batches of 256, 400 + 240 steps). On a
smaller data set an epoch is fewer steps (a 178-row table: one batch, so the quick look is 50 + 30 steps). An
autoencoder pretrained that briefly is far from converged, and the clustering phase ends before it recovers from
its first steps: a fresh Adam's first step moves every weight by about lr (IDEC on wine: the reconstruction loss
from 0.005 to 3.0 at the second step), and IDEC on wine ended with its clusters collapsed (0 / 3 / 175 rows) or
well below AE + k-means. So on data with fewer rows than digits, the pretraining and clustering epochs are
raised until they take as many steps as on digits (wine's quick look: 400 + 240 one-step epochs). The rule reads
the number of rows and the batch size only, never labels; the form shows the raised epochs, since the presets it
offers are built here.
"""
from __future__ import annotations

DIGITS_ROWS = 1797  # the data set the presets were set and timed on (sklearn's digits)
EPOCH_FIELDS = ("pretrain_epochs", "cluster_epochs")


def steps_per_epoch(n_rows: int, batch_size: int) -> int:
    """Batches in one pass over `n_rows` rows (the last one partial)."""
    return -(-n_rows // batch_size)


def epochs_on_small_data(settings: dict, n_rows: int) -> dict:
    """`settings` (a preset) with its pretraining and clustering epochs raised, on fewer rows than digits, to the
    steps they take on digits at the preset's batch size; unchanged on larger data, and 0 epochs stay 0."""
    batch_size = settings.get("batch_size")
    if batch_size is None or n_rows >= DIGITS_ROWS:
        return settings
    scale = steps_per_epoch(DIGITS_ROWS, batch_size), steps_per_epoch(n_rows, batch_size)
    raised = {name: max(settings[name], -(-settings[name] * scale[0] // scale[1]))
              for name in EPOCH_FIELDS if settings.get(name)}
    return {**settings, **raised}
