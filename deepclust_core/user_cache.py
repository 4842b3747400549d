"""The user's cache folder: pretrained autoencoders (`pretrain.PretrainCache`) and the
projection process's compiled UMAP code. Torch-free: the projection process reads it too."""
from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    """$DEEPCLUST_CACHE, else $XDG_CACHE_HOME/deepclust, else ~/.cache/deepclust."""
    if os.environ.get("DEEPCLUST_CACHE"):
        return Path(os.environ["DEEPCLUST_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "deepclust"
