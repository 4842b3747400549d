"""Training: the one loop (loop.py), a generator of immutable snapshots (snapshot.py, made by
snapshot_builder.py), the flags that pause and stop it (control.py) and divergence checks."""
