"""The command line, `deepclust` or `python -m deepclust_core`: training (main.py), the
run-store commands (runs.py) and sweeps on Ray (sweep.py)."""
