"""The Explore page through AppTest on stored runs: a shipped example and a run of the user's."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from deepclust_core.runs.examples import EXAMPLES_DIR
from deepclust_core.training.loop import new_autoencoder
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.stored_run import StoredRun

APP = str(Path(__file__).resolve().parents[1] / "app.py")
EXAMPLE = "example-digits-dekm"


@pytest.fixture
def explore():
    """The Explore page in a fresh tab (no run of its own), the example chosen."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/explore.py").run()
    at.selectbox(key="explore:run").set_value(EXAMPLE).run()
    return at


def chart_titles(at: AppTest) -> list[str]:
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]


def test_an_example_shows_confusion_sizes_members_and_decoded_centres(explore):
    assert not explore.exception
    example = RunStore(EXAMPLES_DIR, read_only=True)
    shown = len(example.display(EXAMPLE).index)
    titles = chart_titles(explore)
    assert any(t.startswith(f"Clusters against labels on the {shown} displayed points") for t in titles)
    assert f"Cluster sizes (all {example.run_record(EXAMPLE).data.n_samples} rows)" in titles
    captions = [[img.caption for img in image.proto.imgs] for image in explore.get("image")]
    central, doubtful = captions[:2]  # the chosen cluster's most central and least confident members
    assert len(central) == len(doubtful) == 12 and all(c.endswith("· c0") for c in central + doubtful)
    decoded = [c for c in captions if c and c[0] == "cluster 0"]
    assert example.weight_seqs(EXAMPLE)  # the example keeps weights, so its centres are decoded
    assert decoded == [[f"cluster {k}" for k in range(example.run_record(EXAMPLE).config.n_clusters)]]


def test_another_cluster_shows_its_own_members(explore):
    first = [img.caption for img in explore.get("image")[0].proto.imgs]
    explore.selectbox[1].set_value(3).run()
    assert not explore.exception
    captions = [img.caption for img in explore.get("image")[0].proto.imgs]
    assert captions != first and all(c.endswith("· c3") for c in captions)


def test_without_a_run_of_its_own_the_page_explores_a_stored_run():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert not any("Train page" in info.value for info in at.info)  # no "start a run first"
    assert at.selectbox(key="explore:run").value is not None and at.get("plotly_chart")


def test_the_run_open_on_the_runs_page_is_explored_first():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/runs.py").run()
    at.selectbox(key="open_run").set_value("example-moons-dekm").run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert at.selectbox(key="explore:run").value == "example-moons-dekm"


def record(tiny_run) -> str:
    """The tiny run saved to the user's store, with the weights it had at each snapshot; its id."""
    recording = Recording(RunStore(), tiny_run.data, tiny_run.config, origin="python", autoencoder=tiny_run.autoencoder)

    def as_trained():
        for snapshot, weights in zip(tiny_run.snapshots, tiny_run.weights):
            tiny_run.autoencoder.load_state_dict(weights)
            yield snapshot

    for _ in recorded(as_trained(), recording):
        pass
    return recording.run_id


def test_a_stored_run_decodes_with_the_weights_kept_at_or_before_a_snapshot(tiny_run):
    run = StoredRun(RunStore(), record(tiny_run))
    kept = RunStore().weight_seqs(run.run_id)
    newest = run.history()[-1]
    assert kept and run.weights_seq() == newest.seq == kept[-1]
    assert np.array_equal(run.final_labels, newest.snapshot.display_labels) and len(run.final_labels) == len(run.data.y)
    points = np.random.default_rng(0).normal(size=(3, tiny_run.config.autoencoder.embedding_dim)).astype(np.float32)
    expected = new_autoencoder(tiny_run.data, tiny_run.config)
    expected.load_state_dict(tiny_run.weights[newest.seq])
    with torch.no_grad():
        wanted = expected.decoder(torch.from_numpy(points)).numpy()
    assert np.allclose(run.decode(points), wanted, atol=2e-2)  # the store keeps float16 weights


def test_an_example_decodes_with_the_nearest_earlier_weights_it_kept():
    example = StoredRun(RunStore(EXAMPLES_DIR, read_only=True), EXAMPLE)
    kept = RunStore(EXAMPLES_DIR, read_only=True).weight_seqs(EXAMPLE)
    assert len(kept) >= 2 and kept[1] > kept[0] + 1  # the store thinned the example's weights
    assert example.weights_seq(kept[1] - 1) == kept[0] and example.weights_seq(kept[1]) == kept[1]
    assert example.weights_seq(-1) is None
    centres = next(e.snapshot.centroids for e in example.history() if e.seq == kept[1] - 1)
    assert example.decode(centres, kept[1] - 1).shape == (len(centres), example.data.X.shape[1])


def test_a_run_of_the_users_can_be_explored(tiny_run):
    run_id = record(tiny_run)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/explore.py").run()
    at.selectbox(key="explore:run").set_value(run_id).run()
    assert not at.exception
    shown = tiny_run.config.display_size
    assert any(t.startswith(f"Clusters against labels on the {shown} displayed points") for t in chart_titles(at))
    assert any(f"of {len(tiny_run.data.X)}: the run store keeps labels" in c.value for c in at.caption)
    assert at.dataframe  # tabular members of the chosen cluster


def test_a_table_run_shows_its_cluster_profiles(tiny_run):
    from deepclust_core.runs.profile import stored_profile

    run_id = record(tiny_run)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/explore.py").run()
    at.selectbox(key="explore:run").set_value(run_id).run()
    assert not at.exception
    assert "Cluster profiles" in [h.value for h in at.subheader]
    profile = stored_profile(RunStore(), RunStore().run_record(run_id)).profile
    (heatmap,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
                  if json.loads(c.proto.spec)["layout"]["title"]["text"].startswith("Cluster profiles")]
    trace = heatmap["data"][0]
    assert trace["y"][0] == f"cluster 0 · {profile.sizes[0]} rows" and len(trace["y"]) == tiny_run.config.n_clusters
    assert trace["text"][0][0] == f"{profile.means[0, profile.top_columns(2)[0]]:.4g}"
    assert any(f"on all {len(tiny_run.data.X)} rows" in c.value for c in at.caption)
    at.selectbox(key="explore:profile").set_value(2).run()
    table = at.dataframe[0].value
    assert list(table["column"]) == [profile.columns[j] for j in profile.order(2)]
    assert np.allclose(table["mean"], profile.means[2, profile.order(2)])
