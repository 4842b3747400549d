"""Projection: UMAP frames of the embeddings, made in a separate process (umap.py, worker.py),
newest first and on demand (frames.py), and the type of a method's own clustering space that the
panels draw beside them (cluster_view.py). Torch-free."""
