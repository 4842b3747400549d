"""The run store: round trip, statuses, interrupted runs (a real SIGKILL), concurrent writers,
weight thinning, deletion."""
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore, StoreConfig
from deepclust_core.runs.store.files import thinned_weights
from deepclust_core.runs.stored_run import StoredRun
from deepclust_core.training.control import TrainingControl
from deepclust_core.training.loop import TrainingDiverged

ROOT = Path(__file__).resolve().parents[1]


def record(store, run, snapshots=None, control=None, **options):
    """Record `snapshots` (default: all of tiny_run's) as one run; its Recording."""
    recording = Recording(store, run.data, run.config, origin="python", autoencoder=run.autoencoder, **options)
    for _ in recorded(iter(snapshots if snapshots is not None else run.snapshots), recording, control):
        pass
    return recording


def test_round_trip(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    run_id = record(store, tiny_run).run_id
    record_ = store.run_record(run_id)
    assert record_.status in ("finished", "converged") and record_.error is None
    assert record_.config == tiny_run.config and record_.origin == "python"
    assert record_.data.fingerprint == tiny_run.data.fingerprint() and record_.data.source["name"] == "blobs"
    assert record_.n_snapshots == len(tiny_run.snapshots)
    assert record_.final_metrics == dict(tiny_run.snapshots[-1].metrics)
    display = store.display(run_id)
    assert np.array_equal(display.index, tiny_run.snapshots[0].display_index)
    assert np.array_equal(display.y, tiny_run.data.y[display.index])
    assert np.allclose(display.X, tiny_run.data.X[display.index], atol=1e-2)
    rows = store.epoch_rows(run_id)
    assert [r.seq for r in rows] == list(range(len(tiny_run.snapshots)))
    for row, original in zip(rows, tiny_run.snapshots):
        assert (row.phase, row.epoch, row.step_name) == (original.phase, original.epoch, original.step_name)
        assert row.losses == dict(original.losses) and row.metrics == dict(original.metrics)
        arrays = store.epoch_arrays(run_id, row.seq)
        assert np.array_equal(arrays["labels"], original.display_labels)
        assert np.array_equal(arrays["cluster_sizes"], original.cluster_sizes)
        assert np.allclose(arrays["embedding"], original.embedding, rtol=2e-3, atol=2e-3)
        assert np.allclose(arrays["view_coords"], original.view.coords, rtol=2e-3, atol=2e-3)
    assert np.array_equal(store.final_labels(run_id), tiny_run.snapshots[-1].labels)
    final = store.load_weights(run_id, rows[-1].seq)
    for name, tensor in tiny_run.autoencoder.state_dict().items():
        assert torch.equal(final[name], tensor.half().float())


def test_stored_run_replays_with_layouts(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    run_id = record(store, tiny_run).run_id
    layout = np.random.default_rng(0).normal(size=(100, 2)).astype(np.float32)
    store.save_layout(run_id, 2, layout)
    run = StoredRun(store, run_id)
    assert len(run.history()) == len(tiny_run.snapshots) and not run.active
    assert np.allclose(run.frames.layout(2), layout, atol=1e-2) and run.frames.layout(1) is None
    assert run.frames.nearest(5)[0] == 2 and run.frames.nearest(0)[0] == 2
    newest = run.history()[-1].snapshot
    assert run.data.n_samples == 100 and np.array_equal(newest.display_index, np.arange(100))
    assert np.array_equal(run.data.y[newest.display_index], tiny_run.data.y[tiny_run.snapshots[-1].display_index])


def test_endings_are_recorded(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    stopped = TrainingControl()
    stopped.stop()
    assert store.run_record(record(store, tiny_run, control=stopped).run_id).status == "stopped"
    closed = TrainingControl()
    closed.interrupt("the browser tab closed")
    interrupted = store.run_record(record(store, tiny_run, control=closed).run_id)
    assert (interrupted.status, interrupted.error) == ("interrupted", "the browser tab closed")

    def diverging():
        yield from tiny_run.snapshots[:2]
        raise TrainingDiverged("the loss became NaN")

    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python")
    with pytest.raises(TrainingDiverged):
        list(recorded(diverging(), recording))
    failed = store.run_record(recording.run_id)
    assert failed.status == "failed" and "NaN" in failed.error and failed.n_snapshots == 2

    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python")
    for _ in recorded(iter(tiny_run.snapshots), recording):
        break  # the consumer stops iterating: the generator is closed
    assert store.run_record(recording.run_id).status == "stopped"


def test_a_dead_owner_reads_as_interrupted(tmp_path, tiny_run):
    store = RunStore(tmp_path, config=StoreConfig(stale_after_s=60))
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python")
    recording.save(tiny_run.snapshots[0])
    assert store.run_record(recording.run_id).status == "running"  # this process owns it
    db = store._sqlite.connection()
    db.execute("UPDATE runs SET owner_started = 'another process' WHERE id = ?", (recording.run_id,))
    record_ = store.run_record(recording.run_id)
    assert record_.status == "interrupted" and "ended" in record_.error
    assert db.execute("SELECT status FROM runs WHERE id = ?", (recording.run_id,)).fetchone()[0] == "interrupted"
    elsewhere = Recording(store, tiny_run.data, tiny_run.config, origin="python")
    db.execute("UPDATE runs SET owner_host = 'elsewhere' WHERE id = ?", (elsewhere.run_id,))
    assert store.run_record(elsewhere.run_id).status == "running"  # heartbeat is fresh
    db.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (time.time() - 120, elsewhere.run_id))
    assert store.run_record(elsewhere.run_id).status == "interrupted"


def test_a_killed_training_process_leaves_a_consistent_interrupted_run(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "deepclust_core", "train", "--data", "blobs", "--n-samples", "200", "--hidden", "16,16",
         "--embedding-dim", "3", "--pretrain-epochs", "5000", "--no-cache", "--store", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            runs = RunStore(tmp_path).runs() if (tmp_path / "runs.sqlite").exists() else []
            if runs and runs[0].n_snapshots >= 3:
                break
            time.sleep(0.2)
        process.send_signal(signal.SIGKILL)  # mid-epoch, mid-write: wherever it happens to be
    finally:
        process.kill()
        process.wait()
    store = RunStore(tmp_path)
    (run,) = store.runs()
    assert run.status == "interrupted" and run.n_snapshots >= 3
    rows = store.epoch_rows(run.id)
    assert [r.seq for r in rows] == list(range(run.n_snapshots))
    replay = StoredRun(store, run.id)  # every saved epoch reads back whole
    assert len(replay.history()) == len(rows)
    assert rows[-1].has_weights and store.load_weights(run.id, rows[-1].seq)


def test_two_writers_at_once(tmp_path, tiny_run):
    """Two runs recording into one store from two threads (two tabs), a third thread reading."""
    stores = [RunStore(tmp_path), RunStore(tmp_path)]  # as two sessions would
    ids, errors, done = [], [], threading.Event()

    def write(store):
        try:
            for _ in range(3):
                recording = record(store, tiny_run)
                for seq in range(len(tiny_run.snapshots)):
                    recording.save_layout(seq, np.zeros((100, 2), np.float32))
                ids.append(recording.run_id)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def read():
        while not done.is_set():
            for record_ in stores[0].runs():
                stores[0].epoch_rows(record_.id)

    writers = [threading.Thread(target=write, args=(store,)) for store in stores]
    reader = threading.Thread(target=read)
    for thread in writers + [reader]:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    reader.join()
    assert not errors
    assert len(set(ids)) == 6
    for run_id in ids:
        rows = stores[0].epoch_rows(run_id)
        assert len(rows) == len(tiny_run.snapshots) and all(r.has_layout for r in rows)
        assert stores[0].run_record(run_id).status in ("finished", "converged")


def test_weights_are_thinned_to_the_budget(tmp_path, tiny_run):
    size = sum(t.numel() for t in tiny_run.autoencoder.state_dict().values()) * 2  # float16 bytes
    store = RunStore(tmp_path, config=StoreConfig(weights_budget_mb=3.5 * size / 2**20))
    snapshots = tiny_run.snapshots * 3  # 21 snapshots
    run_id = record(store, tiny_run, snapshots).run_id
    kept = store.weight_seqs(run_id)
    first_cluster = next(i for i, s in enumerate(snapshots) if s.phase == "cluster")
    assert len(kept) <= 5 and kept[-1] == len(snapshots) - 1 and first_cluster in kept
    files = sorted(p.name for p in store.run_folder(run_id).glob("weights-*.pt"))
    assert files == [f"weights-{s:06d}.pt" for s in kept]


def test_thinning_doubles_the_stride_until_the_kept_weights_fit():
    # 10 saved, 4 fit: stride 2 keeps 7 (0 2 4 6 8, the pinned 3, the newest 9), 4 keeps 5, 8 keeps 0 3 8 9
    stride, dropped = thinned_weights(list(range(10)), stride=1, pinned=3, newest=9, size=1, budget=4)
    assert (stride, dropped) == (8, [1, 2, 4, 5, 6, 7])
    assert thinned_weights([0, 1, 2], stride=1, pinned=None, newest=2, size=1, budget=3) == (1, [])


def test_delete(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    run_id = record(store, tiny_run).run_id
    store.delete(run_id)
    assert store.runs() == [] and not store.run_folder(run_id).exists()
    with pytest.raises(KeyError):
        store.run_record(run_id)



def test_a_frame_saved_while_its_run_is_deleted_is_dropped(tmp_path, tiny_run, monkeypatch):
    """The projector (one thread for every run) saves a frame just as the Runs page deletes the run: the frame goes,
    the projector goes on (it died with FileNotFoundError when the folder went between the check and the write)."""
    from deepclust_core.runs.store import run_store as store_module

    store = RunStore(tmp_path)
    run_id = record(store, tiny_run).run_id
    write = store_module.write_arrays

    def deleted_first(path, **arrays):
        store.delete(run_id)
        write(path, **arrays)
    monkeypatch.setattr(store_module, "write_arrays", deleted_first)
    store.save_layout(run_id, 0, np.zeros((100, 2), np.float32))
    assert store.runs() == [] and not store.run_folder(run_id).exists()

@pytest.fixture
def no_umap(monkeypatch):
    """LiveRun's projector without the UMAP process: an instant stand-in frame."""
    from deepclust_core.projection import frames

    monkeypatch.setattr(frames.projection, "warm_up", lambda: None)
    monkeypatch.setattr(frames.projection, "project", lambda H, previous, seed: H[:, :2].copy())


def wait_until_over(run, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while run.active and time.time() < deadline:
        time.sleep(0.1)


def test_a_live_run_records_its_snapshots_and_frames(tmp_path, tiny_run, no_umap):
    from deepclust_core.runs.live import LiveRun

    store = RunStore(tmp_path)
    run = LiveRun(tiny_run.data, tiny_run.config, store=store).start()
    run.frames.look_at(0)  # a page shows the run: the frames it skipped are filled in after the newest
    wait_until_over(run)
    deadline = time.time() + 10
    while len(store.layout_seqs(run.run_id)) < len(run.history()) and time.time() < deadline:
        time.sleep(0.1)  # the projector catches up after training
    record_ = store.run_record(run.run_id)
    assert record_.origin == "app" and record_.status == run.status and run.status in ("finished", "converged")
    assert record_.n_snapshots == len(run.history()) and store.layout_seqs(run.run_id) == list(range(len(run.history())))
    replay = StoredRun(store, run.run_id)
    assert np.allclose(replay.frames.layout(2), run.frames.layout(2), atol=1e-2)


def test_a_stored_run_gets_the_frame_looked_at_and_saves_it(tmp_path, tiny_run, no_umap):
    store = RunStore(tmp_path)
    run_id = record(store, tiny_run).run_id
    run = StoredRun(store, run_id)
    time.sleep(0.3)
    assert store.layout_seqs(run_id) == []  # nothing projects a stored run nobody looks at
    run.frames.look_at(3)
    deadline = time.time() + 10
    while run.frames.pending() and time.time() < deadline:
        time.sleep(0.05)
    assert run.frames.layout(3) is not None and 3 in store.layout_seqs(run_id)


def test_a_live_run_whose_tab_closed_is_interrupted(tmp_path, tiny_run, no_umap):
    from dataclasses import replace

    from deepclust_core.runs.live import LiveRun

    store = RunStore(tmp_path)
    config = replace(tiny_run.config, pretrain_epochs=100_000)
    run = LiveRun(tiny_run.data, config, store=store, is_alive=lambda: False, orphan_grace=0.5).start()
    wait_until_over(run)
    record_ = store.run_record(run.run_id)
    assert run.status == record_.status == "interrupted" and record_.error == "the browser tab closed"


def test_the_python_api_records_its_runs(tmp_path, tiny_run):
    from deepclust_core import DeepClusterer

    model = DeepClusterer(4, pretrain_epochs=1, cluster_epochs=1, batch_size=64, store=str(tmp_path),
                          autoencoder=tiny_run.config.autoencoder).fit(tiny_run.data)
    record_ = RunStore(tmp_path).run_record(model.run_id_)
    assert record_.origin == "python" and record_.n_snapshots == len(model.history_)
    unrecorded = DeepClusterer(4, pretrain_epochs=1, cluster_epochs=0, record=False, store=str(tmp_path / "none"),
                               autoencoder=tiny_run.config.autoencoder).fit(tiny_run.data.X)
    assert unrecorded.run_id_ is None and not (tmp_path / "none").exists()


def test_the_first_draw_after_start_waits_for_the_first_snapshot(tmp_path, tiny_run, no_umap):
    from dataclasses import replace

    from deepclust_core.runs.live import LiveRun

    run = LiveRun(tiny_run.data, replace(tiny_run.config, pretrain_epochs=100_000), store=RunStore(tmp_path)).start()
    try:
        entries = run.wait_for_first_snapshot(timeout=30)
        assert entries and entries[0].snapshot.phase == "pretrain" and entries[0].snapshot.epoch == 1
    finally:
        run.stop()
        wait_until_over(run)
    assert run.wait_for_first_snapshot(timeout=30) == run.history()  # an ended run does not wait


def test_a_paced_run_waits_for_the_page_to_draw_each_clustering_epoch(tmp_path, tiny_run, no_umap):
    from deepclust_core.runs.live import LiveRun

    run = LiveRun(tiny_run.data, tiny_run.config, store=RunStore(tmp_path), paced=True).start()
    try:
        deadline = time.time() + 30
        while not any(e.snapshot.phase == "cluster" for e in run.history()) and time.time() < deadline:
            run.shown(0)  # a page watching, drawing an old epoch
            time.sleep(0.05)
        first_clustering = run.history()[-1]
        for _ in range(10):  # one second of a page that never draws the new epoch: training holds
            run.shown(0)
            time.sleep(0.1)
        assert first_clustering.snapshot.phase == "cluster" and run.history()[-1] == first_clustering
        while run.active and time.time() < deadline:  # a page that draws every epoch: training goes on
            run.shown(run.history()[-1].seq)
            time.sleep(0.05)
        assert run.status in ("finished", "converged") and run.history()[-1].snapshot.epoch > first_clustering.snapshot.epoch
    finally:
        run.stop()
        wait_until_over(run)
