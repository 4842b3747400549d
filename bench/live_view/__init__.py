"""The live view's performance budget: ten measurements, one Markdown table each (docs/benchmarks.md).

`python -m bench.live_view [--only ...]` (__main__.py: the command line and the order of the measurements).
One module a measurement or two: page.py (1, 2), umap_time.py (3), slowdown.py (4), memory.py (5),
redraw.py (6), scale.py (7), frames.py (8, 9), pause.py (10). ready_to_start.py opens a page on a fresh
server for a run started from it; budget.py writes the tables; procs.py reads memory and CPU time from /proc.
"""
