"""A run store that cannot be used says so in one line and is never touched: a file that is not a database, a
truncated copy of a real store, a read-only folder, a full disk. Training goes on without recording.

Tests run as root here, where chmod does not stop writes: a read-only folder is a tmpfs mounted read-only when
the tests may mount (root), a chmod-ed folder otherwise; a full disk is a tiny tmpfs filled up when they may mount,
and always SQLite's own SQLITE_FULL (a page limit, `PRAGMA max_page_count`) and an OSError ENOSPC from a file write.
"""
import errno
import os
import shutil
import subprocess
import time
from contextlib import contextmanager

import pytest

from deepclust_core.cli.main import main
from deepclust_core.runs.store import run_store as store_module
from deepclust_core.runs.recording import Recording, RecordedTraining, recorded
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.store.unavailable import StoreUnavailable

TINY_TRAIN = ["train", "--data", "blobs", "--n-samples", "120", "--hidden", "16,16", "--embedding-dim", "2",
              "--pretrain-epochs", "1", "--cluster-epochs", "1", "--no-cache"]


def file_state(folder) -> dict:
    """Every file under `folder` with its bytes and modification time."""
    return {str(f.relative_to(folder)): (f.read_bytes(), f.stat().st_mtime_ns)
            for f in folder.rglob("*") if f.is_file()}


def assert_one_line(error: StoreUnavailable, *words: str) -> None:
    text = str(error)
    assert "\n" not in text and all(word in text for word in words), text


def record_tiny_run(store: RunStore, tiny_run) -> str:
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python")
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    return recording.run_id


@pytest.fixture
def not_a_database(tmp_path):
    (tmp_path / "runs.sqlite").write_bytes(b"my notes, saved under the wrong name\n" * 40)
    return tmp_path


def test_a_file_that_is_not_a_database_is_refused_in_one_line_and_left_alone(not_a_database):
    before = file_state(not_a_database)
    with pytest.raises(StoreUnavailable) as refused:
        RunStore(not_a_database)
    assert_one_line(refused.value, str(not_a_database / "runs.sqlite"), "not a database", "leaves it as it is",
                    "DEEPCLUST_HOME")
    assert file_state(not_a_database) == before


def test_a_truncated_copy_of_a_real_store_is_refused_and_left_alone(tmp_path, tiny_run):
    whole = RunStore(tmp_path / "whole")
    for _ in range(3):
        record_tiny_run(whole, tiny_run)
    whole.pack()
    data = (tmp_path / "whole" / "runs.sqlite").read_bytes()
    assert len(data) >= 8 * 4096  # several pages: the cut below loses some of the tables' pages
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "runs.sqlite").write_bytes(data[: len(data) // 2])
    before = file_state(tmp_path / "cut")
    with pytest.raises(StoreUnavailable) as refused:
        RunStore(tmp_path / "cut")
    assert_one_line(refused.value, str(tmp_path / "cut" / "runs.sqlite"), "cannot be read")
    assert file_state(tmp_path / "cut") == before


def test_the_cli_says_the_line_exits_2_and_trains_with_no_store(not_a_database, capsys):
    before = file_state(not_a_database)
    assert main(["runs", "--store", str(not_a_database)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: the run store ") and str(not_a_database) in err and "\n" not in err
    assert main(TINY_TRAIN + ["--store", str(not_a_database)]) == 2
    err = capsys.readouterr().err.strip()
    assert "not a database" in err and err.endswith("--no-store)") and "\n" not in err
    assert main(["export", "some-run", "--store", str(not_a_database)]) == 2
    assert main(TINY_TRAIN + ["--store", str(not_a_database), "--no-store"]) == 0
    assert "final:" in capsys.readouterr().out
    assert file_state(not_a_database) == before


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextmanager
def tmpfs(folder, size: str):
    """A tmpfs of `size` at `folder`; skipped where the tests may not mount."""
    folder.mkdir()
    mounted = can_mount() and subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                             capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("mounting a tmpfs needs root (and CAP_SYS_ADMIN)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


@contextmanager
def read_only(folder):
    """`folder` made read-only: remounted so under root (where chmod stops nothing), chmod-ed otherwise."""
    if os.geteuid() == 0:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
    else:
        modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
        for path in modes:
            path.chmod(0o555 if path.is_dir() else 0o444)
        yield folder
        for path, mode in modes.items():
            path.chmod(mode)


@pytest.fixture
def own_disk(tmp_path):
    """A folder of its own: a 4 MB tmpfs under root, a plain folder otherwise (chmod then makes it read-only)."""
    if os.geteuid() != 0:
        (tmp_path / "disk").mkdir()
        yield tmp_path / "disk"
        return
    with tmpfs(tmp_path / "disk", "4m") as folder:
        yield folder


def test_a_read_only_folder_is_said_in_one_line_and_nothing_is_written(own_disk, tiny_run):
    store = RunStore(own_disk / "store")
    run_id = record_tiny_run(store, tiny_run)
    store.pack()
    store._sqlite.connection().close()  # nothing open for writing: a busy file system cannot be remounted read-only
    before = file_state(own_disk)
    with read_only(own_disk):
        for folder in (own_disk / "store", own_disk / "new-store"):
            with pytest.raises(StoreUnavailable) as refused:
                RunStore(folder).create_run(tiny_run.data, tiny_run.config, origin="python")
            assert_one_line(refused.value, str(folder), "cannot be written", "writable")
        assert file_state(own_disk) == before
    assert RunStore(own_disk / "store").run_record(run_id).status == "finished"  # writable again: all there


def test_a_full_disk_stops_the_recording_not_the_training(tmp_path, tiny_run):
    with tmpfs(tmp_path / "disk", "1m") as disk:
        store = RunStore(disk)
        recording = Recording(store, tiny_run.data, tiny_run.config, origin="python")
        filler = disk / "filler"
        with pytest.raises(OSError) as full, filler.open("wb") as out:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        assert full.value.errno == errno.ENOSPC
        passed = list(recorded(iter(tiny_run.snapshots), recording))
        assert len(passed) == len(tiny_run.snapshots)  # training went on
        assert "disk holding the run store" in recording.problem and str(disk) in recording.problem
        filler.unlink()
        assert (disk / "runs.sqlite").is_file() and store.run_record(recording.run_id)  # the store is whole


def test_sqlite_full_and_enospc_say_the_disk_is_full(tmp_path, tiny_run, monkeypatch):
    store = RunStore(tmp_path)
    run_id = store.create_run(tiny_run.data, tiny_run.config, origin="python")
    pages = store._sqlite.connection().execute("PRAGMA page_count").fetchone()[0]
    store._sqlite.connection().execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL from here on
    with pytest.raises(StoreUnavailable) as full:
        for seq in range(1000):  # rows fill the pages' free space first
            store.save_epoch(run_id, seq, tiny_run.snapshots[seq % len(tiny_run.snapshots)])
    assert_one_line(full.value, "is full", str(tmp_path), "database or disk is full")

    def no_space(path, **arrays):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(store_module, "write_arrays", no_space)
    with pytest.raises(StoreUnavailable) as full:
        RunStore(tmp_path / "other").create_run(tiny_run.data, tiny_run.config, origin="python")
    assert_one_line(full.value, "is full", "No space left on device")


def test_a_run_whose_store_turns_read_only_midway_trains_on_unrecorded(tmp_path, small_config):
    from deepclust_core import load_dataset

    data, config = load_dataset("blobs", n_samples=160, noise=0.05), small_config(pretrain_epochs=2, cluster_epochs=2)
    store = RunStore(tmp_path)
    training = RecordedTraining(data, config, store, origin="python", name="cut short")
    seen = []
    for snapshot in training.snapshots():  # trains in this thread: the store's connection is this thread's
        seen.append(snapshot)
        if len(seen) == 2:
            store._sqlite.connection().execute("PRAGMA query_only = 1")  # SQLite refuses every write from here on
    assert seen[-1].step_name == "cluster 2/2" and training.recording.status == "finished"
    assert "cannot be written" in training.recording.problem and "\n" not in training.recording.problem
    record = RunStore(tmp_path).run_record(training.run_id)  # what was recorded before reads back
    assert record.name == "cut short" and record.n_snapshots == 2


def test_a_live_run_with_a_broken_store_trains_and_says_why(not_a_database, tiny_run, monkeypatch):
    from deepclust_core.runs.live import LiveRun

    monkeypatch.setenv("DEEPCLUST_HOME", str(not_a_database))
    before = file_state(not_a_database)
    run = LiveRun(tiny_run.data, tiny_run.config).start()
    deadline = time.time() + 60
    while run.active and time.time() < deadline:
        time.sleep(0.1)
    assert run.status in ("finished", "converged") and run.history() and run.run_id is None
    assert str(not_a_database / "runs.sqlite") in run.recording.problem
    assert file_state(not_a_database) == before
