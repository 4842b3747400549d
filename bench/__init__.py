"""Benchmark scripts that print tables (speed and quality are measured here, not asserted by tests).

    .venv/bin/python -m bench.quality --methods dekm,ae-kmeans --data digits --seeds 0,1,2
"""
