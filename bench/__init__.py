"""Benchmark scripts that print tables (speed and quality are measured here, not asserted by tests).

    .venv/bin/python -m bench.quality --methods dekm,ae-kmeans --data digits --seeds 0,1,2
    .venv/bin/python -m bench.peers --data digits --seeds 0,1,2 --methods dec,idec,dkm,dcn
    .venv/bin/python -m bench.live_view --quick

Quality (quality.py with runs.py, table.py, settings.py, datasets.py), the training loop's overhead
(overhead.py), the run store's size (store_size.py) and the HTML report's open time (report_open.py) are
modules here; peers/ (deepclust against ClustPy) and live_view/ (the live view's performance budget) are
packages whose __main__ is the command. Each runs from the repository root as `python -m bench.<name>`.
The browser harness that the benchmarks share with the browser tests is browser_harness.py, beside app.py.
"""
