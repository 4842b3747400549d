"""Which UMAP frame is made next (deepclust_core.projection.frames): newest first, then what a page looks
at, then, only for the run on screen, the frames it skipped."""
import time

import numpy as np
import pytest

from deepclust_core.projection import frames as frames_module
from deepclust_core.projection.frames import FILL, LOOKED_AT, NEWEST, Frames, Projector


def embeddings(n: int):
    rng = np.random.default_rng(0)
    items = [(seq, rng.normal(size=(30, 4)).astype(np.float32)) for seq in range(n)]
    return lambda: items


@pytest.fixture
def no_projector():
    """A projector of the test's own that knows only its Frames and makes nothing behind the test's back."""
    return Projector(autostart=False)


def frames_of(projector, n: int, **kwargs) -> Frames:
    return Frames(embeddings(n), seed=0, projector=projector, **kwargs)


def test_a_live_run_wants_its_newest_frame_and_nothing_else_until_looked_at(no_projector):
    live = frames_of(no_projector, 5, follows_newest=lambda: True)
    assert no_projector.next_job() == (NEWEST, live, 4)
    live.put(4, np.zeros((30, 2)))
    assert no_projector.next_job() is None  # nobody looks at it: its skipped frames are not made
    live.look_at(1)
    assert no_projector.next_job() == (LOOKED_AT, live, 1)
    live.put(1, np.zeros((30, 2)))
    fills = []
    while (job := no_projector.next_job()) is not None:
        assert job[0] == FILL
        fills.append(job[2])
        live.put(job[2], np.zeros((30, 2)))
    assert fills == [2, 0, 3]  # nearest the epoch looked at first


def test_a_stored_run_gets_frames_only_when_looked_at(no_projector):
    stored = frames_of(no_projector, 4)
    assert no_projector.next_job() is None and not stored.pending()
    stored.look_at(3)
    assert stored.pending() and no_projector.next_job() == (LOOKED_AT, stored, 3)


def test_a_newest_frame_comes_before_any_looked_at_one_and_fill_is_for_the_run_on_screen(no_projector):
    stored = frames_of(no_projector, 4)
    stored.look_at(0)
    other = frames_of(no_projector, 4)
    other.look_at(2)
    for seq in range(4):
        if seq != 0:
            stored.put(seq, np.zeros((30, 2)))
    live = frames_of(no_projector, 6, follows_newest=lambda: True)
    assert no_projector.next_job() == (NEWEST, live, 5)
    live.put(5, np.zeros((30, 2)))
    assert no_projector.next_job() == (LOOKED_AT, other, 2)  # looked at last: the run on screen goes first
    other.put(2, np.zeros((30, 2)))
    stored.put(0, np.zeros((30, 2)))
    job = no_projector.next_job()
    assert job[0] == FILL and job[1] is other  # only the run on screen is filled in


def test_nearest_is_at_or_before_when_possible(no_projector):
    frames = frames_of(no_projector, 6)
    frames.put(2, np.ones((30, 2)))
    frames.put(4, 2 * np.ones((30, 2)))
    assert frames.nearest(3)[0] == 2 and frames.nearest(5)[0] == 4 and frames.nearest(0)[0] == 2
    assert frames.nearest(4)[0] == 4


def test_the_projector_thread_makes_the_newest_frame_warm_started_from_the_nearest(monkeypatch):
    calls = []

    def fake_project(H, previous, seed):
        calls.append(previous is not None)
        return H[:, :2].copy()

    monkeypatch.setattr(frames_module.projection, "warm_up", lambda: None)
    monkeypatch.setattr(frames_module.projection, "project", fake_project)
    saved = {}
    live = Frames(embeddings(3), seed=0, follows_newest=lambda: True, save=saved.__setitem__, projector=Projector())
    live.changed()
    deadline = time.time() + 10
    while live.pending() and time.time() < deadline:
        time.sleep(0.02)
    assert live.seqs() == [2] and list(saved) == [2] and calls == [False]
    live.look_at(0)
    while len(live.seqs()) < 3 and time.time() < deadline:
        time.sleep(0.02)
    assert live.seqs() == [0, 1, 2] and calls[1:] == [True, True]


def test_a_view_following_live_holds_back_at_most_a_frame_time_for_a_frame(no_projector, monkeypatch):
    from deepclust_core.runs.shown_run import Entry, live_edge

    no_projector.frame_seconds = 0.3
    frames = frames_of(no_projector, 5)
    entries = [Entry(seq, snapshot=None, published=100.0 + seq) for seq in range(5)]
    frames.put(2, np.zeros((30, 2)))
    assert live_edge(entries, frames, now=104.1) == 2  # the newest frame is on its way: show epoch 2, framed
    assert live_edge(entries, frames, now=104.5) == 4  # later than a frame-time: the newest, with an older frame
    frames.put(4, np.zeros((30, 2)))
    assert live_edge(entries, frames, now=104.1) == 4
    frames.forget([4, 2])
    frames.put(0, np.zeros((30, 2)))
    assert live_edge(entries, frames, now=104.1) == 4  # the framed one is too far back


def test_no_lock_is_held_while_a_run_is_asked_anything(no_projector):
    """A run's callbacks may take the run's own lock: neither the projector's nor the frames' lock is held then."""
    calls = []

    def unlocked(answer):
        def callback(*_):
            calls.append(not no_projector._wake_up._is_owned() and not frames._changed._is_owned())
            return answer() if callable(answer) else answer
        return callback

    frames = Frames(unlocked(embeddings(3)), seed=0, follows_newest=unlocked(True), training=unlocked(True),
                    projector=no_projector)
    frames.look_at(0)
    assert no_projector.next_job() == (NEWEST, frames, 2)
    frames.put(2, np.zeros((30, 2)))
    assert no_projector.next_job() == (LOOKED_AT, frames, 0) and frames.pending()
    assert frames.embedding(1) is not None and frames.training()
    assert len(calls) >= 6 and all(calls)
