"""A race: methods share one pretrained autoencoder, train in step, and are recorded as runs of one race."""
from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from conftest import SMALL_AE

from deepclust_core import load_dataset
from deepclust_core.networks.pretrain_key import pretrain_key
from deepclust_core.recipe.race import race_configs
from deepclust_core.runs.race import lane as race_lane
from deepclust_core.runs.race import Race
from deepclust_core.runs.store import RunStore

ENDED_WITHIN = 120.0  # seconds; generous for a loaded 2-core machine


@pytest.fixture
def no_umap(monkeypatch):
    from deepclust_core.projection import frames

    monkeypatch.setattr(frames.projection, "warm_up", lambda: None)
    monkeypatch.setattr(frames.projection, "project", lambda H, previous, seed: H[:, :2].copy())


@pytest.fixture
def blobs():
    return load_dataset("blobs", n_samples=160, noise=0.05)


def configs(data, tmp_path, **changes):
    """DEKM and DEC, small and short, with a private cache of pretrained autoencoders."""
    found = race_configs(["dekm", "dec"], data, 4, seed=3, cache_dir=str(tmp_path / "cache"), display_size=100)
    settings = {**dict(autoencoder=SMALL_AE, pretrain_epochs=3, cluster_epochs=4, batch_size=64), **changes}
    return [replace(config, **settings) for config in found]


def test_race_settings_give_every_method_the_leads_pretraining(blobs):
    dekm, dec, idec = race_configs(["dekm", "dec", "idec"], blobs, 4, seed=5)
    assert {pretrain_key(blobs, c) for c in (dekm, dec, idec)} == {pretrain_key(blobs, dekm)}
    assert [c.method for c in (dekm, dec, idec)] == ["dekm", "dec", "idec"]
    assert all(c.seed == 5 and c.use_cache and c.n_clusters == 4 for c in (dekm, dec, idec))
    assert dec.cluster_epochs != dekm.cluster_epochs or dec.method_options != dekm.method_options  # their own recipes


@pytest.mark.parametrize("methods", [["dekm"], ["dekm", "dekm"], ["dekm", "dec", "idec", "dkm", "n2d"]])
def test_a_race_needs_two_to_four_different_methods(blobs, methods):
    with pytest.raises(ValueError, match="race"):
        race_configs(methods, blobs, 4)


def test_a_race_pretrains_once_trains_in_step_and_is_recorded_as_one_race(tmp_path, blobs, no_umap, monkeypatch):
    order = []  # (method, phase, epoch) in the order the race trained them
    advance = race_lane.RaceLane.advance

    def noted(lane):
        snapshot = advance(lane)
        if snapshot is not None:
            order.append((lane.config.method, snapshot.phase, snapshot.epoch, bool(snapshot.scalars.get("cached"))))
        return snapshot

    monkeypatch.setattr(race_lane.RaceLane, "advance", noted)
    store = RunStore(tmp_path / "home")
    race = Race(blobs, configs(blobs, tmp_path), store=store).start()
    assert race.wait(ENDED_WITHIN)
    assert [lane.status for lane in race.lanes] in (["finished", "finished"], ["converged", "finished"],
                                                     ["finished", "converged"], ["converged", "converged"])
    dekm_pretraining = [o for o in order if o[0] == "dekm" and o[1] == "pretrain"]
    dec_pretraining = [o for o in order if o[0] == "dec" and o[1] == "pretrain"]
    assert [o[2] for o in dekm_pretraining] == [1, 2, 3] and not any(o[3] for o in dekm_pretraining)
    assert dec_pretraining == [("dec", "pretrain", 3, True)]  # the lead's autoencoder, from the cache
    clustering = [(o[0], o[2]) for o in order if o[1] == "cluster"]
    for i, (method, epoch) in enumerate(clustering):  # no method's epoch e + 1 before every other method's e
        for other in {"dekm", "dec"} - {method}:
            others_before = [e for m, e in clustering[:i] if m == other]
            others_all = [e for m, e in clustering if m == other]
            if epoch - 1 in others_all:
                assert epoch - 1 in others_before, f"{method} epoch {epoch} trained before {other} epoch {epoch - 1}"
    records = store.race_runs(race.race_id)
    assert [r.id for r in records] == [lane.run_id for lane in race.lanes]
    assert [r.method for r in records] == ["dekm", "dec"] and all(r.race == race.race_id for r in records)
    first_clusters = [lane.history()[next(i for i, e in enumerate(lane.history()) if e.snapshot.phase == "cluster")]
                      for lane in race.lanes]
    assert first_clusters[0].snapshot.reference_metrics == first_clusters[1].snapshot.reference_metrics  # one AE


def test_a_method_that_converges_early_leaves_the_others_racing(tmp_path, blobs, no_umap, monkeypatch):
    race = Race(blobs, configs(blobs, tmp_path), record=False)
    dec = race.lanes[1]
    real = dec._training.snapshots

    def two_epochs():
        for snapshot in real():
            yield snapshot
            if snapshot.phase == "cluster" and snapshot.epoch == 1:
                return  # as a method whose stopping rule fired
    dec._training.snapshots = two_epochs
    race.start()
    assert race.wait(ENDED_WITHIN)
    last = [lane.history()[-1].snapshot for lane in race.lanes]
    assert (last[1].phase, last[1].epoch) == ("cluster", 1)
    assert (last[0].phase, last[0].epoch) == ("cluster", 4) or last[0].converged


def test_a_shared_pretraining_that_is_stopped_ends_every_method(tmp_path, blobs, no_umap):
    race = Race(blobs, configs(blobs, tmp_path, pretrain_epochs=100_000), record=False)
    race.start()
    lead = race.lanes[0]
    lead.wait_for_first_snapshot(ENDED_WITHIN)
    race.stop()
    assert race.wait(ENDED_WITHIN)
    assert lead.status == "stopped" and race.lanes[1].status == "failed"
    assert "shared autoencoder" in race.lanes[1].error and not race.lanes[1].history()


def test_pause_holds_every_method(tmp_path, blobs, no_umap):
    race = Race(blobs, configs(blobs, tmp_path, cluster_epochs=100_000), record=False).start()
    deadline = time.time() + ENDED_WITHIN
    while not race.lanes[1].history() and time.time() < deadline:
        time.sleep(0.05)
    race.pause()
    assert race.status == "paused"
    time.sleep(0.5)
    held = [len(lane.history()) for lane in race.lanes]
    time.sleep(0.7)
    assert [len(lane.history()) for lane in race.lanes] == held
    race.resume()
    threading.Event().wait(0.1)
    race.stop()
    assert race.wait(ENDED_WITHIN) and race.status == "ended"
    assert {lane.status for lane in race.lanes} == {"stopped"}


def wait_for(condition, seconds: float = ENDED_WITHIN) -> None:
    deadline = time.time() + seconds
    while not condition() and time.time() < deadline:
        time.sleep(0.05)
    assert condition()


def clustering_epochs(race) -> list[int]:
    return [max((e.snapshot.epoch for e in lane.history() if e.snapshot.phase == "cluster"), default=-1)
            for lane in race.lanes]


def test_step_trains_one_more_epoch_of_every_method_then_pauses(tmp_path, blobs, no_umap):
    race = Race(blobs, configs(blobs, tmp_path, cluster_epochs=100_000), record=False)
    race.slow_motion = True  # pauses after every round: after the lead's first pretraining epoch here
    race.start()
    wait_for(lambda: race.status == "paused")
    race.slow_motion = False
    while min(clustering_epochs(race)) < 1:  # step through the shared pretraining and both set-ups
        race.step()
        time.sleep(0.2)
        wait_for(lambda: race.status == "paused")
    before = clustering_epochs(race)
    race.step()
    wait_for(lambda: clustering_epochs(race) == [e + 1 for e in before] and race.status == "paused")
    time.sleep(0.7)  # and it stays there
    assert clustering_epochs(race) == [e + 1 for e in before] and race.status == "paused"
    race.stop()
    assert race.wait(ENDED_WITHIN)
