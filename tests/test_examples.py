"""The shipped examples: small, complete, read-only, and one example branches from another."""
from deepclust_core.runs.examples import EXAMPLES
from deepclust_core.runs.store import EXAMPLES_DIR, RunStore
from deepclust_core.runs.store.rows import EXAMPLE_ORIGIN


def test_the_examples_are_small_and_complete():
    size = sum(f.stat().st_size for f in EXAMPLES_DIR.rglob("*") if f.is_file())
    assert size < 4 * 2**20
    store = RunStore(EXAMPLES_DIR, read_only=True)
    records = {r.id: r for r in store.runs()}
    assert set(records) == {e.run_id for e in EXAMPLES}
    for record in records.values():
        assert record.read_only and record.status in ("finished", "converged") and record.origin == EXAMPLE_ORIGIN
        assert record.config.display_size == 500 and record.data.source is not None
        assert store.layout_seqs(record.id) == list(range(record.n_snapshots))  # replay needs no UMAP
        assert store.weight_seqs(record.id)  # something to branch from
    child = records["example-digits-idec-branch"]
    assert child.parent.run_id == "example-digits-dekm" and child.parent.seq in store.weight_seqs(child.parent.run_id)
    assert not list(EXAMPLES_DIR.glob("runs.sqlite-*"))  # packed: no WAL beside the database
