"""Cluster profiles: each cluster of a table in the file's own units (evaluation/profile.py), kept by
the run store and exported by `deepclust export RUN --format profile` (runs/profile.py)."""
import csv
import io

import numpy as np
import pytest

from deepclust_core.cli.main import main
from deepclust_core.evaluation.profile import TABLE_COLUMNS, ClusterMoments, cluster_profile
from deepclust_core.runs.profile import data_profile, profile_csv, stored_profile
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore

# Five rows, three columns: `a` sets clusters apart, `b` too, `c` is constant; cluster 2 holds one row,
# cluster 3 none.
VALUES = np.array([[1.0, 10, 0.1], [3, 10, 0.1], [5, 20, 0.1], [7, 30, 0.1], [100, 0, 0.1]])
LABELS = np.array([0, 0, 1, 1, 2])
COLUMN_STD_A = np.sqrt(np.mean((VALUES[:, 0] - 23.2) ** 2))  # a's mean over all rows is 23.2


def test_a_small_table_gives_its_known_means_spreads_and_scores():
    profile = cluster_profile(ClusterMoments.of(VALUES, LABELS, 4), ("a", "b", "c"))
    assert profile.sizes.tolist() == [2, 2, 1, 0] and profile.shares.tolist() == [0.4, 0.4, 0.2, 0.0]
    assert np.allclose(profile.means[:3], [[2, 10, 0.1], [6, 25, 0.1], [100, 0, 0.1]])
    assert np.allclose(profile.stds[:3], [[1, 0, 0], [1, 5, 0], [0, 0, 0]])  # one row: spread 0
    assert np.allclose(profile.rest_means[0], [(5 + 7 + 100) / 3, 50 / 3, 0.1])
    assert np.allclose(profile.rest_stds[2], [np.sqrt(5), np.sqrt(68.75), 0])  # rows 1, 3, 5, 7 and 10, 10, 20, 30
    assert profile.scores[0, 0] == pytest.approx((2 - 112 / 3) / COLUMN_STD_A)
    assert profile.scores[2, 0] == pytest.approx((100 - 4) / COLUMN_STD_A)
    assert profile.scores[:3, 2].tolist() == [0.0, 0.0, 0.0]  # a constant column sets nothing apart (0.1 sums
    assert profile.stds[:3, 2].tolist() == [0.0, 0.0, 0.0]  # inexactly: its float64 rounding is no spread)
    assert profile.ranks[:3].tolist() == [[1, 2, 3], [2, 1, 3], [1, 2, 3]]  # by |score|: b sets cluster 1 apart most
    assert np.isnan(profile.means[3]).all() and np.isnan(profile.scores[3]).all() and not profile.ranks[3].any()
    assert profile.top_columns(2).tolist() == [0, 1]


def test_moments_pool_to_the_whole_columns_statistics():
    values = np.random.default_rng(0).normal(1e4, 3.0, size=(500, 6))  # a large offset: no cancellation
    labels = np.random.default_rng(1).integers(0, 20, size=500)
    profile = cluster_profile(ClusterMoments.of(values, labels, 20), tuple("abcdef"))
    for k in (0, 7, 19):
        rest = values[labels != k]
        assert np.allclose(profile.rest_means[k], rest.mean(axis=0), rtol=1e-12)
        assert np.allclose(profile.rest_stds[k], rest.std(axis=0), rtol=1e-9)
        assert np.allclose(profile.stds[k], values[labels == k].std(axis=0), rtol=1e-9)
    constant = cluster_profile(ClusterMoments.of(np.full((500, 1), 0.1), labels, 20), ("c",))  # sums of 0.1 round
    assert not constant.scores.any() and not constant.stds.any() and not constant.rest_stds.any()
    one_cluster = cluster_profile(ClusterMoments.of(values, np.zeros(500, int), 2), tuple("abcdef"))
    assert np.isnan(one_cluster.scores).all() and not one_cluster.ranks.any()  # no rest to differ from


def test_the_csv_has_a_line_per_cluster_and_column_ranked(tiny_run):
    found = data_profile(tiny_run.data, tiny_run.snapshots[-1].labels, tiny_run.config.n_clusters)
    table = list(csv.DictReader(io.StringIO(profile_csv(found, "r1"))))
    assert list(table[0]) == ["run", *TABLE_COLUMNS]
    d = tiny_run.data.n_features
    assert len(table) == tiny_run.config.n_clusters * d
    assert [int(r["rank"]) for r in table[:d]] == list(range(1, d + 1))
    assert [abs(float(r["score"])) for r in table[:d]] == sorted((abs(float(r["score"])) for r in table[:d]),
                                                                  reverse=True)


def test_images_have_no_profile():
    from deepclust_core import load_dataset

    digits = load_dataset("digits")
    with pytest.raises(ValueError, match="decoded centres"):
        data_profile(digits, np.zeros(digits.n_samples, int), 2)


def test_a_run_keeps_its_profile_over_every_row_in_the_files_units(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python", autoencoder=tiny_run.autoencoder)
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    record = store.run_record(recording.run_id)
    found = stored_profile(store, record)
    expected = data_profile(tiny_run.data, tiny_run.snapshots[-1].labels, tiny_run.config.n_clusters)
    assert found.rows == f"all {tiny_run.data.n_samples} rows" and not found.note
    assert np.allclose(found.profile.means, expected.profile.means, equal_nan=True)
    assert np.array_equal(found.profile.ranks, expected.profile.ranks)
    (store.run_folder(record.id) / "rows.npz").unlink()  # as a run recorded before the moments were kept
    reloaded = stored_profile(store, record)  # its data loaded again (blobs), with every row's labels
    assert reloaded.rows == found.rows and not reloaded.note
    assert np.allclose(reloaded.profile.means, found.profile.means, equal_nan=True)
    (store.run_folder(record.id) / "labels.npz").unlink()
    older = stored_profile(store, record)
    assert older.rows == f"the {tiny_run.config.display_size} displayed rows of {tiny_run.data.n_samples}"
    assert "displayed rows" in older.note
    shown = store.display(record.id).index
    exact = data_profile(tiny_run.data.take(shown), tiny_run.snapshots[-1].labels[shown], tiny_run.config.n_clusters)
    assert np.allclose(older.profile.means, exact.profile.means, rtol=2e-3, atol=2e-3, equal_nan=True)


CSV = """id,height,weight,colour,noise,const,kind
{rows}"""


def test_the_cli_exports_a_tables_profile_in_the_files_units(tmp_path, capsys):
    rng = np.random.default_rng(0)
    heights = np.r_[rng.normal(150, 2, 30), rng.normal(190, 2, 30)].round(1)
    weights = np.r_[rng.normal(50, 3, 30), rng.normal(90, 3, 30)].round(1)
    colours = rng.integers(0, 9, 60)
    lines = [f"p{i},{h},{w},{c},{rng.normal():.3f},7,{'ab'[i >= 30]}" for i, (h, w, c) in
             enumerate(zip(heights, weights, colours))]
    path = tmp_path / "people.csv"
    path.write_text(CSV.format(rows="\n".join(lines)) + "\n")
    store = str(tmp_path / "store")
    assert main(["train", "--file", str(path), "--id-column", "id", "--label-column", "kind", "--drop-columns",
                 "colour", "--method", "ae-kmeans", "--k", "2", "--hidden", "16", "--embedding-dim", "2",
                 "--pretrain-epochs", "3", "--cluster-epochs", "1", "--no-cache", "--store", store,
                 "--save-labels", str(tmp_path / "labels.npy")]) == 0
    (run,) = RunStore(store).runs()
    capsys.readouterr()
    assert main(["export", run.id, "--format", "profile", "-o", str(tmp_path / "p.csv"), "--store", store]) == 0
    assert "2 clusters x 4 columns, from all 60 rows" in capsys.readouterr().out
    table = list(csv.DictReader(io.StringIO((tmp_path / "p.csv").read_text())))
    assert [r["column"] for r in table if r["cluster"] == "0"][-1] == "const"  # ranked last: it scores 0
    assert {r["column"] for r in table} == {"height", "weight", "noise", "const"}  # no ID, label or dropped column
    labels = np.load(tmp_path / "labels.npy")
    values = {"height": heights, "weight": weights, "const": np.full(60, 7.0)}
    for row in table:
        members = labels == int(row["cluster"])
        assert int(row["size"]) == members.sum()
        if row["column"] in values:
            column = values[row["column"]]
            assert float(row["mean"]) == pytest.approx(column[members].mean(), rel=1e-6)
            assert float(row["std"]) == pytest.approx(column[members].std(), rel=1e-5, abs=1e-6)
            assert float(row["rest_mean"]) == pytest.approx(column[~members].mean(), rel=1e-6)


def test_the_cli_says_in_one_line_that_images_have_no_profile(tmp_path, capsys):
    store = str(tmp_path / "store")
    assert main(["train", "--data", "digits", "--subsample", "100", "--k", "3", "--hidden", "8",
                 "--embedding-dim", "2", "--pretrain-epochs", "1", "--cluster-epochs", "1", "--no-cache",
                 "--method", "ae-kmeans", "--store", store]) == 0
    (run,) = RunStore(store).runs()
    capsys.readouterr()
    assert main(["export", run.id, "--format", "profile", "-o", str(tmp_path / "p.csv"), "--store", store]) == 2
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "decoded centres" in error and not (tmp_path / "p.csv").exists()


def test_a_run_training_here_is_profiled_from_all_its_rows(tiny_run):
    from types import SimpleNamespace

    from deepclust_core.runs.profile import shown_run_profile

    labels = tiny_run.snapshots[-1].labels
    live = SimpleNamespace(data=tiny_run.data, config=tiny_run.config, final_labels=None)  # LiveRun's reading side
    assert shown_run_profile(live) is None  # before its first epoch
    live.final_labels = labels
    found = shown_run_profile(live)
    assert found.rows == f"all {tiny_run.data.n_samples} rows"
    assert np.allclose(found.profile.means[1], tiny_run.data.in_file_units(tiny_run.data.X)[labels == 1].mean(axis=0))


def test_the_heatmap_shows_twelve_columns_of_many_and_twenty_clusters_in_a_window():
    from ui.profile import TOP_COLUMNS, cluster_table, profile_figure

    rng = np.random.default_rng(0)
    labels = np.r_[np.arange(19), rng.integers(0, 19, 381)]  # cluster 19 empty, cluster 0..18 at least one row
    values = rng.normal(size=(400, 60)) + 3 * (labels[:, None] == np.arange(60) % 19)
    profile = cluster_profile(ClusterMoments.of(values, labels, 20), tuple(f"c{j}" for j in range(60)))
    figure = profile_figure(profile, TOP_COLUMNS)
    assert len(figure.data[0].x) == TOP_COLUMNS and len(figure.data[0].y) == 20
    assert figure.layout.height <= 1000 - 120  # with the page's heading and caption, in a 1000 px window
    assert figure.data[0].text[19] == [""] * TOP_COLUMNS  # the empty cluster: no means
    assert len(cluster_table(profile, 3)) == 60  # every column in the table


def test_the_html_report_names_what_sets_each_cluster_apart(tmp_path, tiny_run):
    import base64
    import gzip
    import json
    import re

    from deepclust_core.runs.report import html_report
    from deepclust_core.runs.stored_run import StoredRun

    store = RunStore(tmp_path)
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python", autoencoder=tiny_run.autoencoder)
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    text = html_report(StoredRun(store, recording.run_id))
    found = stored_profile(store, store.run_record(recording.run_id))
    data = json.loads(re.search(r'<script id="report-data" type="application/json">(.*?)</script>', text, re.S)[1])
    assert gzip.decompress(base64.b64decode(data["profile_csv"])).decode() == profile_csv(found, recording.run_id)
    profile = found.profile
    first = profile.order(0)[0]
    assert "<h2>Cluster profiles</h2>" in text and 'id="profile-download"' in text
    assert f"{profile.columns[first]} {profile.means[0, first]:.4g} (rest {profile.rest_means[0, first]:.4g}" in text
