"""Runs: the run store (store/: SQLite and one folder per run; what it says about a run and its epochs,
store/rows.py), training a run and recording it as it trains (recording.py: RecordedTraining, the one way
every entry point trains), the app's run in a background thread (live.py: LiveRun), reading one back
(stored_run.py), what the pages show of either (shown_run.py: ShownRun), and what a stored run offers:
branching, exports, the HTML report, per-row results, new rows assigned (predict.py), and the shipped
examples (examples.py)."""
