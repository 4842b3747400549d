"""The run store's schema version and migrations: a store written before versions opens and migrates (for
writing, in its file; read-only, in memory with its file untouched), the shipped examples open unchanged, a
store from a newer deepclust is refused with one line, and migrating again changes nothing."""
import json
import sqlite3
from contextlib import closing
from dataclasses import asdict

import pytest

from deepclust_core import load_dataset
from deepclust_core.cli.main import main
from deepclust_core.runs.store import EXAMPLES_DIR, RunStore, schema
from deepclust_core.runs.store.rows import DataInfo, SweepTag
from deepclust_core.runs.store.schema import StoreVersionError
from deepclust_core.settings.run_file import config_to_dict

# The tables as deepclust wrote them before this change and before sweeps (store.py at commit eb5ecb7), and the
# rows it inserted (its create_run, save_epoch and finish), so the test does not depend on today's code.
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, created REAL, origin TEXT, status TEXT, error TEXT, config TEXT, data TEXT,
    owner_host TEXT, owner_pid INTEGER, owner_started TEXT, heartbeat REAL,
    parent_id TEXT, parent_seq INTEGER, parent_epoch INTEGER,
    n_snapshots INTEGER DEFAULT 0, final_step TEXT DEFAULT '', final_metrics TEXT DEFAULT '{}', elapsed REAL DEFAULT 0,
    weights_stride INTEGER DEFAULT 1, weights_pinned INTEGER);
CREATE TABLE IF NOT EXISTS epochs (
    run_id TEXT, seq INTEGER, phase TEXT, epoch INTEGER, epochs_in_phase INTEGER, losses TEXT, metrics TEXT,
    scalars TEXT, reference TEXT, changed REAL, seconds REAL, elapsed REAL, device TEXT, converged INTEGER,
    view TEXT, has_layout INTEGER DEFAULT 0, has_weights INTEGER DEFAULT 0, PRIMARY KEY (run_id, seq));
"""


def write_old_store(folder, config, data):
    """A store as the code before schema versions wrote it, with one finished run of one epoch."""
    (folder / "runs" / "old-run").mkdir(parents=True)
    db = sqlite3.connect(folder / "runs.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(OLD_SCHEMA)
    db.execute("INSERT INTO runs (id, created, origin, status, config, data, owner_host, owner_pid, owner_started, "
               "heartbeat, parent_id, parent_seq, parent_epoch) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               ("old-run", 1.7e9, "cli", json.dumps(config_to_dict(config)), json.dumps(asdict(DataInfo.of(data))),
                "elsewhere", 1, None, 1.7e9, None, None, None))
    db.execute("INSERT INTO epochs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
               ("old-run", 0, "pretrain", 1, 5, '{"reconstruction": 0.5}', "{}", "{}", "{}", 0.0, 0.1, 0.1, "cpu",
                0, "{}", 1))
    db.execute("UPDATE runs SET n_snapshots = 1, final_step = 'pretrain 1/5', elapsed = 0.1, status = 'finished' "
               "WHERE id = 'old-run'")
    db.close()


def version_of(path) -> int:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute("PRAGMA user_version").fetchone()[0]


def columns_of(path, table="runs") -> list[str]:
    return [row[1] for row in sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute(f"PRAGMA table_info({table})")]


def file_state(folder) -> dict:
    """Every file in the folder's top level with its bytes and modification time."""
    return {f.name: (f.read_bytes(), f.stat().st_mtime_ns) for f in folder.iterdir() if f.is_file()}


@pytest.fixture
def blobs():
    return load_dataset("blobs", n_samples=160, noise=0.05)


def test_a_store_written_before_versions_migrates_when_opened_and_its_run_reads_back(tmp_path, small_config, blobs):
    config = small_config()
    write_old_store(tmp_path, config, blobs)
    assert version_of(tmp_path / "runs.sqlite") == 0 and "sweep_id" not in columns_of(tmp_path / "runs.sqlite")
    store = RunStore(tmp_path)
    assert version_of(tmp_path / "runs.sqlite") == schema.VERSION == 4
    assert columns_of(tmp_path / "runs.sqlite")[-4:] == ["sweep_id", "sweep_setting", "name", "race_id"]
    [old] = store.runs()
    assert (old.id, old.status, old.origin, old.final_step, old.sweep, old.parent, old.name, old.race) == (
        "old-run", "finished", "cli", "pretrain 1/5", None, None, "", None)
    assert old.config == config and old.data == DataInfo.of(blobs)
    [epoch] = store.epoch_rows("old-run")
    assert (epoch.step_name, epoch.losses, epoch.has_weights, epoch.has_layout) == (
        "pretrain 1/5", {"reconstruction": 0.5}, True, False)
    new = store.create_run(blobs, config, origin="sweep", sweep=SweepTag("sweep-1", "dekm k=4"))
    assert [r.id for r in store.sweep_runs("sweep-1")] == [new] and store.run_record(new).sweep.setting == "dekm k=4"
    named = store.create_run(blobs, config, origin="cli", name="  wider\nencoder ")
    assert store.run_record(named).name == "wider encoder"  # one line, trimmed
    store.rename(named, "wider encoder, lr 0.01")
    assert store.run_record(named).name == "wider encoder, lr 0.01" and store.run_record(new).name == ""
    with pytest.raises(KeyError):
        store.rename("no-such-run", "x")
    store.join_race(new, "race-1")
    store.join_race(named, "race-1")
    assert [r.id for r in store.race_runs("race-1")] == [new, named] and store.run_record(old.id).race is None


def test_an_older_store_opened_read_only_is_migrated_in_memory_and_its_file_left_alone(tmp_path, small_config, blobs):
    write_old_store(tmp_path, small_config(), blobs)
    before = file_state(tmp_path)
    store = RunStore(tmp_path, read_only=True)
    [old] = store.runs()
    assert old.id == "old-run" and old.sweep is None and old.name == "" and old.read_only
    assert store.sweep_runs("any") == []
    assert [e.step_name for e in store.epoch_rows("old-run")] == ["pretrain 1/5"]
    assert file_state(tmp_path) == before and version_of(tmp_path / "runs.sqlite") == 0


def test_the_shipped_examples_open_and_lists_its_runs_without_changing_a_byte():
    before = file_state(EXAMPLES_DIR)
    store = RunStore(EXAMPLES_DIR, read_only=True)
    assert sorted(r.id for r in store.runs()) == ["example-blobs-dec", "example-digits-dekm",
                                                  "example-digits-idec-branch", "example-moons-dekm"]
    assert all(r.sweep is None and r.n_snapshots == len(store.epoch_rows(r.id)) for r in store.runs())
    assert file_state(EXAMPLES_DIR) == before


def test_a_store_from_a_newer_deepclust_is_refused_with_one_line(tmp_path, capsys):
    RunStore(tmp_path).pack()  # one file, as shipped: a read-only open reads the file alone, not a WAL beside it
    with closing(sqlite3.connect(tmp_path / "runs.sqlite")) as db:
        db.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    for read_only in (False, True):
        with pytest.raises(StoreVersionError, match=f"schema version {schema.VERSION + 1}, newer") as refused:
            RunStore(tmp_path, read_only=read_only)
        assert "\n" not in str(refused.value) and str(tmp_path) in str(refused.value)
    assert version_of(tmp_path / "runs.sqlite") == schema.VERSION + 1  # left as it was
    assert main(["runs", "--store", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: the run store in") and "update deepclust" in err and "\n" not in err


def test_migrating_again_changes_nothing(tmp_path, small_config, blobs, monkeypatch):
    write_old_store(tmp_path, small_config(), blobs)
    RunStore(tmp_path)

    def dump():
        db = sqlite3.connect(tmp_path / "runs.sqlite")
        return (db.execute("PRAGMA user_version").fetchone(), db.execute("SELECT sql FROM sqlite_master").fetchall(),
                db.execute("SELECT * FROM runs").fetchall(), db.execute("SELECT * FROM epochs").fetchall())

    migrated = dump()

    def must_not_run(db):
        raise AssertionError("a migration ran again on a store already at its version")

    monkeypatch.setattr(schema, "MIGRATIONS", (must_not_run,) * schema.VERSION)
    assert [r.id for r in RunStore(tmp_path).runs()] == ["old-run"]
    assert dump() == migrated


def test_a_migration_that_fails_leaves_the_store_at_its_old_version(tmp_path, small_config, blobs, monkeypatch):
    write_old_store(tmp_path, small_config(), blobs)

    def broken(db):
        raise sqlite3.OperationalError("disk full")

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    monkeypatch.setattr(schema, "VERSION", schema.VERSION + 1)
    with pytest.raises(sqlite3.OperationalError, match="disk full"):
        RunStore(tmp_path)
    assert version_of(tmp_path / "runs.sqlite") == 0 and "sweep_id" not in columns_of(tmp_path / "runs.sqlite")
    monkeypatch.undo()
    assert [r.id for r in RunStore(tmp_path).runs()] == ["old-run"]
