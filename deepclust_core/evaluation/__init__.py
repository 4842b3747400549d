"""Evaluation without training: ACC / NMI / ARI against labels (metrics.py, used only to
report, never to train or select), choosing K without labels (choose_k.py) and telling a
collapsed partition from its cluster sizes (collapse.py)."""
