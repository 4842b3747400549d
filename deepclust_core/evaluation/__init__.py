"""Evaluation without training: ACC / NMI / ARI against labels (metrics.py, used only to
report, never to train or select) and choosing K without labels (choose_k.py)."""
