"""Evaluation without training: ACC / NMI / ARI against labels (metrics.py, used only to
report, never to train or select) and telling a collapsed partition from its cluster sizes
(collapse.py). Choosing K, which pretrains, is above training (deepclust_core/choose_k.py)."""
