"""The HTML report: small for a digits-sized run, one colour and one legend per chart, the per-row table
inside, and the animation's packing read back as report.js reads it."""
import base64
import gzip
import json
import re

import numpy as np
import pytest

from deepclust_core import TrainConfig
from deepclust_core.data.dataset import Dataset
from deepclust_core.projection.cluster_view import ClusterView
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.report import curve_charts, html_report
from deepclust_core.runs.report.animation import LEVELS, MOST_POINTS, drawn_points, packed_animation
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.stored_run import StoredRun
from deepclust_core.training.row_results import centre_results
from deepclust_core.training.snapshot import Snapshot

N, K = 1797, 10  # digits


def digits_sized_run(store: RunStore) -> str:
    """A run shaped like a digits run of the quick look (1,797 rows, K = 10, 50 + 40 epochs), its points
    drifting from epoch to epoch; recorded, as the loop's would be."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, K, N)
    data = Dataset(X=rng.random((N, 64)), y=y, name="digits-sized", image_shape=(1, 8, 8))
    config = TrainConfig(n_clusters=K, pretrain_epochs=50, cluster_epochs=40)
    centres = rng.normal(size=(K, 10)) * 3
    H = centres[y] + rng.normal(size=(N, 10))
    snapshots = []
    for epoch in range(90):
        H = H + rng.normal(scale=0.05, size=H.shape)
        labels = np.argmin(((H[:, None] - centres[None]) ** 2).sum(-1), axis=1)
        phase, number = ("pretrain", epoch + 1) if epoch < 50 else ("cluster", epoch - 50)
        view = ClusterView("principal axes", H[:, :2], ("PC1", "PC2"), centroids=centres[:, :2])
        snapshots.append(Snapshot(
            phase=phase, epoch=number, epochs_in_phase=50 if phase == "pretrain" else 40,
            losses={"reconstruction": 1 / (epoch + 1), "total": 1 / (epoch + 1)},
            labels=labels, metrics={"acc": 0.5, "nmi": 0.4, "ari": 0.3}, changed=0.01,
            cluster_sizes=np.bincount(labels, minlength=K), display_index=np.arange(N), embedding=H,
            centroids=centres, view=view, seconds=0.1, elapsed=0.1 * epoch, scalars={"alpha": float(epoch)},
            rows=centre_results(H, labels, centres)))
    recording = Recording(store, data, config, origin="python")
    for _ in recorded(iter(snapshots), recording):
        pass
    return recording.run_id


@pytest.fixture(scope="module")
def digits_sized(tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("store"))
    return StoredRun(store, digits_sized_run(store))


def test_a_digits_sized_report_stays_under_2_mb_with_its_rows_inside(digits_sized):
    text = html_report(digits_sized)
    assert len(text.encode()) < 2_000_000, f"{len(text.encode()) / 1e6:.2f} MB"
    data = json.loads(re.search(r'<script id="report-data" type="application/json">(.*?)</script>', text, re.S)[1])
    rows = gzip.decompress(base64.b64decode(data["rows_csv"])).decode().splitlines()
    assert rows[0] == "row,true_label,cluster,distance_to_centre" and len(rows) == N + 1
    assert f"{N} rows" in text and "Download every row as CSV" in text
    assert "<script src=" not in text  # nothing to fetch


def test_each_chart_has_its_own_legend_and_a_colour_per_series(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python")
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    charts = curve_charts(StoredRun(store, recording.run_id))
    assert [c["id"] for c in charts] == ["metrics", "losses", "changes", "scalars"]
    for chart in charts:
        figure = chart["figure"]
        colours = [trace["line"]["color"] for trace in figure["data"]]
        assert figure["layout"]["showlegend"] and len(set(colours)) == len(colours) >= 1
        assert figure["layout"]["xaxis"]["automargin"] and figure["layout"]["yaxis"]["automargin"]
    metrics = {trace["name"] for trace in charts[0]["figure"]["data"]}
    assert metrics == {"ACC", "NMI", "ARI", "AE + k-means ACC"}


def test_the_packed_animation_reads_back_to_the_stored_points(digits_sized):
    """Decode the packing as report.js does: every frame within one step of the stored coordinates."""
    run = digits_sized
    animation = packed_animation(run)
    n, frames = animation["n_points"], animation["frames"]
    assert n == MOST_POINTS and animation["n_display"] == N and len(frames) == 90
    raw = np.frombuffer(gzip.decompress(base64.b64decode(animation["data"])), dtype=np.uint8)
    size = len(frames) * 4 * n
    zigzag = raw[:size].astype(np.int64) | (raw[size:2 * size].astype(np.int64) << 8)
    steps = np.cumsum(((zigzag >> 1) ^ -(zigzag & 1)).reshape(len(frames), 4, n), axis=0)
    ids = raw[2 * size:].reshape(len(frames), n)
    entries = run.history()
    shown = drawn_points(N, run.config.seed)
    for f in (0, 45, 89):
        low, high = frames[f]["ranges"][2]
        x = low + steps[f, 2] * (high - low) / (LEVELS - 1)
        assert np.allclose(x, entries[f].snapshot.view.coords[shown, 0], atol=(high - low) / (LEVELS - 1))
        assert np.array_equal(ids[f], entries[f].snapshot.display_labels[shown])
