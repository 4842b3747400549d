"""A preset's pretraining on data smaller than digits keeps its length in optimiser steps.

Every card's presets were set and timed on digits (1,797 rows), the app's default data set; their epochs mean
so many optimiser steps there (DEC's quick look: 50 epochs of 8 batches of 256, 400 steps). On a smaller data
set an epoch is fewer steps (a 178-row table: one batch, so 50 epochs are 50 steps), and an autoencoder
pretrained that briefly is far from converged: its first clustering steps then move the embedding so much (IDEC
on wine: the reconstruction loss from 0.08 to 4.0 at the second step) that the clusters collapse. So on data
with fewer rows than digits, the pretraining epochs are raised until they take as many steps as on digits
(wine: 400 epochs of one step). The rule reads the number of rows and the batch size only, never labels; the
form shows the raised epochs, since the presets it offers are built here.
"""
from __future__ import annotations

DIGITS_ROWS = 1797  # the data set the presets were set and timed on (sklearn's digits)


def steps_per_epoch(n_rows: int, batch_size: int) -> int:
    """Batches in one pass over `n_rows` rows (the last one partial)."""
    return -(-n_rows // batch_size)


def pretraining_on_small_data(settings: dict, n_rows: int) -> dict:
    """`settings` (a preset) with `pretrain_epochs` raised, on fewer rows than digits, to the steps it takes on
    digits at the preset's batch size; unchanged on larger data or without pretraining."""
    epochs, batch_size = settings.get("pretrain_epochs", 0), settings.get("batch_size")
    if not epochs or batch_size is None or n_rows >= DIGITS_ROWS:
        return settings
    steps_on_digits = epochs * steps_per_epoch(DIGITS_ROWS, batch_size)
    needed = -(-steps_on_digits // steps_per_epoch(n_rows, batch_size))
    return {**settings, "pretrain_epochs": max(epochs, needed)}
