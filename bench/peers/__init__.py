"""deepclust against a peer library, ClustPy: the same data and settings on both sides, one Markdown table.

`python -m bench.peers` (__main__.py: the command line and the order of the runs); runs.py runs one side,
ours in this process or ClustPy's in the peer venv (.venv-peers, from requirements.txt) through
clustpy_run.py; table.py holds the results, the table and the --json file; epoch_profile.py checks
where an epoch's time goes on each side.
"""
