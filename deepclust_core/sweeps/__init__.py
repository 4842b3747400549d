"""Sweeps: many runs at once on Ray, each an ordinary recorded run tagged with its sweep.

spec.py says what a sweep trains (data × settings × seeds, a grid or a list; torch-free),
trial.py is one trial as it runs on a Ray worker (a streaming generator of snapshots),
driver.py submits the trials and records what comes back in the driver's run store (the only
writer), summary.py reads a sweep back by setting (mean ± std over seeds, stability).
local_ray.py joins a cluster or starts a local Ray on loopback only; host.py runs the app's
sweeps in a process of its own that keeps one Ray for them all. Ray is imported only when a
sweep starts, never by `import deepclust_core` (nor ever in the app's own process).
"""
