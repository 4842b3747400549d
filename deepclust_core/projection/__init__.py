"""Projection: UMAP frames of the embeddings, made in a separate process (umap.py, worker.py),
newest first and on demand (frames.py). Torch-free."""
