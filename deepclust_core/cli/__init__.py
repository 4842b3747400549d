"""The command line, `deepclust` or `python -m deepclust_core`: training (main.py) and the
run-store commands (runs.py)."""
