"""Evaluation without training: ACC / NMI / ARI against labels (metrics.py, used only to
report, never to train or select), telling a collapsed partition from its cluster sizes
(collapse.py) and describing each cluster of a table in its own units (profile.py). Choosing K, which
pretrains, is above training (deepclust_core/choose_k.py)."""
