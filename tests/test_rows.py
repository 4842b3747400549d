"""Per-row results out (rows.npz, the CSV and .npz exports) and new rows assigned with a stored run
(assigner.npz, `predict`): every method's state restored, the run's own columns and scaling, one line
for a file that does not match."""
import csv
import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from deepclust_core import AutoencoderConfig, TrainConfig, load_dataset
from deepclust_core.methods.assigners import METHOD_STATE
from deepclust_core.cli.main import main
from deepclust_core.training.loop import new_autoencoder, train
from deepclust_core.methods import METHODS
from deepclust_core.runs.predict import predict_file
from deepclust_core.runs.recording import Recording, recorded
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.stored_run import StoredRun

TINY_AE = AutoencoderConfig(hidden=(16, 16), embedding_dim=3)


def record_run(store, data, method="dec", **changes):
    settings = dict(n_clusters=3, method=method, autoencoder=TINY_AE, pretrain_epochs=3, cluster_epochs=3,
                    batch_size=64, use_cache=False, display_size=100)
    config = TrainConfig(**{**settings, **changes})
    autoencoder = new_autoencoder(data, config)
    recording = Recording(store, data, config, origin="python", autoencoder=autoencoder)
    snapshots = list(recorded(train(data, config, autoencoder=autoencoder), recording))
    return recording.run_id, snapshots


@pytest.fixture(scope="module")
def blobs_csv(tmp_path_factory):
    """A CSV with a header, an ID column, a text label column and a column to drop: 150 rows of three
    blobs in their own units."""
    from sklearn.datasets import make_blobs

    X, y = make_blobs(150, centers=3, cluster_std=0.6, random_state=3)
    X = X * [10.0, 0.1] + [50.0, -2.0]  # columns of very different units: scaling matters
    path = tmp_path_factory.mktemp("data") / "blobs.csv"
    path.write_text("sample,width,height,kind,note\n" + "".join(
        f"s{i},{a},{b},k{c},n{i % 2}\n" for i, ((a, b), c) in enumerate(zip(X, y))))
    return path, X, y


@pytest.mark.parametrize("method", [name for name in METHODS if METHOD_STATE[name].stored])
def test_every_method_assigns_its_own_rows_as_it_labelled_them(method):
    """The state kept at the last snapshot, restored into a new method object, gives the snapshot's labels
    and confidences (DEKM's labels are its last k-means step, which moved rows can leave)."""
    data = load_dataset("blobs", n_samples=120, noise=0.05, n_clusters=3)
    config = TrainConfig(n_clusters=3, method=method, autoencoder=TINY_AE, pretrain_epochs=2, cluster_epochs=3,
                         batch_size=64, use_cache=False, display_size=50)
    last = list(train(data, config))[-1]
    rows = last.rows
    assert rows.assigner is not None and rows.confidence_name == METHOD_STATE[method].confidence_name
    labels, confidence = rows.assigner.assign(rows.embedding, config)
    agreement = np.mean(labels == last.labels)
    assert agreement >= (0.9 if method == "dekm" else 1.0), f"{method}: {agreement:.3f}"
    same = labels == last.labels
    assert np.allclose(confidence[same], rows.confidence[same], rtol=1e-4, atol=1e-5)


def test_a_method_whose_state_is_not_kept_says_so():
    """N2D's UMAP model is not kept (it would need pickling): its rows export with the mixture's
    posterior as their confidence, it assigns no new rows."""
    unkept = [name for name in METHODS if not METHOD_STATE[name].stored]
    assert unkept == ["n2d"]
    data = load_dataset("blobs", n_samples=120, noise=0.05, n_clusters=3)
    config = TrainConfig(n_clusters=3, method="n2d", autoencoder=TINY_AE, pretrain_epochs=2, cluster_epochs=0,
                         batch_size=64, use_cache=False, display_size=50)
    rows = list(train(data, config))[-1].rows
    assert rows.assigner is None and len(rows.embedding) == 120
    assert rows.confidence_name == "confidence_max_posterior" and np.all((rows.confidence >= 1 / 3) & (rows.confidence <= 1))


def test_a_pretraining_snapshot_assigns_by_its_nearest_kmeans_centre(tiny_run):
    first = tiny_run.snapshots[0]
    assert first.phase == "pretrain" and first.rows.assigner.method is None
    labels, distance = first.rows.assigner.assign(first.rows.embedding, tiny_run.config)
    assert np.array_equal(labels, first.labels) and np.allclose(distance, first.rows.confidence, atol=1e-5)


def test_every_row_exports_with_its_true_label_cluster_and_confidence(tmp_path, tiny_run):
    store = RunStore(tmp_path)
    recording = Recording(store, tiny_run.data, tiny_run.config, origin="python", autoencoder=tiny_run.autoencoder)
    for _ in recorded(iter(tiny_run.snapshots), recording):
        pass
    table = StoredRun(store, recording.run_id).rows()
    last = tiny_run.snapshots[-1]
    rows = list(csv.DictReader(io.StringIO(table.to_csv())))
    assert len(rows) == tiny_run.data.n_samples == 160 and not table.note
    assert list(rows[0]) == ["row", "true_label", "cluster", last.rows.confidence_name]
    assert [int(r["cluster"]) for r in rows] == list(last.labels)
    assert [int(r["true_label"]) for r in rows] == list(tiny_run.data.y)
    assert [int(r["row"]) for r in rows] == list(range(160))
    with np.load(io.BytesIO(table.to_npz()), allow_pickle=False) as arrays:
        assert arrays["embedding"].shape == (160, 4) and np.array_equal(arrays["cluster"], last.labels)
        assert str(arrays["confidence_name"]) == last.rows.confidence_name

    (store.run_folder(recording.run_id) / "rows.npz").unlink()  # as a run recorded before rows.npz existed
    old = StoredRun(store, recording.run_id).rows()
    assert np.array_equal(old.cluster, last.labels) and old.confidence is None and "recorded before" in old.note
    assert np.array_equal(old.true_labels, tiny_run.data.y)  # 100 display rows of 160: the blobs reload


def test_cli_exports_rows_and_assigns_new_rows_with_the_runs_scaling(tmp_path, blobs_csv, capsys):
    path, X, y = blobs_csv
    store = str(tmp_path / "store")
    assert main(["train", "--file", str(path), "--label-column", "kind", "--id-column", "sample",
                 "--drop-columns", "note", "--method", "dec", "--hidden", "16,16",
                 "--embedding-dim", "3", "--pretrain-epochs", "3", "--cluster-epochs", "3", "--no-cache",
                 "--store", store]) == 0
    (run,) = RunStore(store).runs()
    out = tmp_path / "rows.csv"
    assert main(["export", run.id, "--format", "rows", "-o", str(out), "--store", store]) == 0
    exported = list(csv.DictReader(out.open()))
    assert len(exported) == 150 and list(exported[0]) == ["row", "sample", "true_label", "cluster", "confidence_max_q"]
    assert [r["sample"] for r in exported] == [f"s{i}" for i in range(150)]
    assert [r["true_label"] for r in exported] == [f"k{c}" for c in y]  # the file's class names
    assert main(["export", run.id, "--format", "rows-npz", "-o", str(tmp_path / "rows.npz"), "--store", store]) == 0
    assert np.load(tmp_path / "rows.npz", allow_pickle=False)["embedding"].shape == (150, 3)

    shuffled = tmp_path / "new.csv"  # the training rows again, columns swapped, labels left out, IDs kept
    shuffled.write_text("height,note,width,sample\n" + "".join(f"{b},n,{a},s{i}\n" for i, (a, b) in enumerate(X)))
    assert main(["predict", run.id, "--file", str(shuffled), "-o", str(tmp_path / "new-rows.csv"), "--store", store]) == 0
    assigned = list(csv.DictReader((tmp_path / "new-rows.csv").open()))
    assert [r["cluster"] for r in assigned] == [r["cluster"] for r in exported]
    assert [r["sample"] for r in assigned] == [r["sample"] for r in exported] and "true_label" not in assigned[0]
    assert np.allclose([float(r["confidence_max_q"]) for r in assigned],
                       [float(r["confidence_max_q"]) for r in exported], atol=1e-3)
    capsys.readouterr()

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("height,depth\n1,2\n")
    assert main(["predict", run.id, "--file", str(wrong), "--store", store]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "missing 'width'" in error and "not in the run 'depth'" in error
    assert main(["predict", run.id, "--file", str(tmp_path / "nowhere.csv"), "--store", store]) == 2
    assert main(["predict", "no-such-run", "--file", str(shuffled), "--store", store]) == 2
    assert "no run 'no-such-run'" in capsys.readouterr().err


def test_new_rows_keep_their_true_labels_and_are_matched_by_count_without_names(tmp_path, blobs_csv):
    path, X, y = blobs_csv
    store = RunStore(tmp_path)
    data = load_dataset("file", path=str(path), label_column="kind", id_column="sample", drop_columns=["note"])
    run_id, snapshots = record_run(store, data, method="idec")
    run = StoredRun(store, run_id)
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("kind,width,height\n" + "".join(f"k{c},{a},{b}\n" for (a, b), c in zip(X[:5], y[:5])))
    table = run.assign(labelled)
    assert list(table.true_labels) == [f"k{c}" for c in y[:5]]
    assert np.array_equal(table.cluster, snapshots[-1].labels[:5])
    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("".join(f"{a},{b}\n" for a, b in X[:5]))
    assert np.array_equal(run.assign(unnamed).cluster, table.cluster)
    assert np.array_equal(run.assign(X[:5]).cluster, table.cluster)  # an array in the file's units
    unnamed.write_text("1,2,3\n")
    with pytest.raises(ValueError, match=r"3 feature columns, but the run was trained on 2 \(width, height\)"):
        run.assign(unnamed)
    unnamed.write_text("1,2\n3,\n5,6\n")
    with pytest.raises(ValueError, match="missing values: 1 in column 'x2'"):
        run.assign(unnamed)
    table = predict_file(store, run_id, unnamed, drop_missing=True)
    assert list(table.rows) == [0, 2]  # the rows kept, numbered as in the file


def _zip_of_images(size: int, colour: bool) -> bytes:
    """Two folders of ten pictures each: a bright square top left, or bottom right."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for label, corner in (("top", 0), ("bottom", size // 2)):
            for i in range(10):
                pixels = np.full((size, size), 20 + i, dtype=np.uint8)
                pixels[corner:corner + size // 2, corner:corner + size // 2] = 230
                image = Image.fromarray(pixels).convert("RGB" if colour else "L")
                buffer = io.BytesIO()
                image.save(buffer, format="PNG")
                archive.writestr(f"{label}/{i}.png", buffer.getvalue())
    return out.getvalue()


def test_images_of_another_size_and_colour_are_assigned_at_the_runs_size(tmp_path):
    from deepclust_core.data.loaders import load_bytes

    store = RunStore(tmp_path)
    data = load_bytes(_zip_of_images(8, colour=False), "squares.zip")
    run_id, snapshots = record_run(store, data, method="dec", n_clusters=2, display_size=20)
    run = StoredRun(store, run_id)
    same = tmp_path / "same.zip"
    same.write_bytes(_zip_of_images(8, colour=False))
    assert np.array_equal(run.assign(same).cluster, snapshots[-1].labels)
    larger = tmp_path / "larger.zip"
    larger.write_bytes(_zip_of_images(16, colour=True))  # resized to 8 x 8, made grey
    table = run.assign(larger)
    assert sorted(set(table.true_labels)) == ["bottom", "top"]
    assert np.mean(table.cluster == snapshots[-1].labels) >= 0.9
    arrays = tmp_path / "images.npy"
    np.save(arrays, data.in_file_units(data.X).reshape(-1, 8, 8))  # (n, H, W) arrays in the zip's units, 0-255
    assert np.array_equal(run.assign(arrays).cluster, snapshots[-1].labels)
    np.save(arrays, np.zeros((3, 5, 7)))
    assert len(run.assign(arrays)) == 3  # resized too
    np.save(arrays, np.zeros((3, 10)))
    with pytest.raises(ValueError, match=r"10 feature columns, but the run was trained on images of shape 1x8x8"):
        run.assign(arrays)


def test_the_shipped_examples_export_every_row_and_the_digits_ones_assign_new_rows():
    from deepclust_core.runs.store import EXAMPLES_DIR

    store = RunStore(EXAMPLES_DIR, read_only=True)
    for record in store.runs():
        run = StoredRun(store, record.id)
        table = run.rows()
        assert len(table) == record.data.n_samples and table.confidence is not None and not table.note
        assert table.embedding.shape == (record.data.n_samples, record.config.autoencoder.embedding_dim)
        digits = load_dataset("digits")
        if record.data.name == "digits":  # rows in the file's units, pixels 0-16, assign as they were labelled
            assigned = run.assign(digits.in_file_units(digits.X[:300]))
            assert np.mean(assigned.cluster == table.cluster[:300]) >= 0.97
        else:  # blobs and moons reload and assign in their own units, standardised as the run's rows were
            data = load_dataset(**record.data.source)
            assigned = run.assign(data.in_file_units(data.X))
            assert np.mean(assigned.cluster == table.cluster) >= 0.97


def test_new_rows_are_read_with_the_runs_columns_scaling_and_id_column():
    from deepclust_core.data.dataset import Dataset
    from deepclust_core.data.new_rows import read_new_rows

    run = Dataset(X=np.zeros((2, 2)), y=None, name="run", scaling="standardised columns", feature_names=("a", "b"),
                  label_column="kind", id_column="sample", dropped_columns=("note",),
                  column_means=np.array([10.0, 0.0]), column_stds=np.array([2.0, 0.5]))
    content = b"b,sample,note,kind,a\n1,s-1,x,dog,12\n-0.5,s-2,y,cat,8\n"
    new = read_new_rows(content, "new.csv", run)
    assert np.allclose(new.X, [[1.0, 2.0], [-1.0, -1.0]])
    assert list(new.ids) == ["s-1", "s-2"] and [new.class_name(c) for c in new.y] == ["dog", "cat"]
    with pytest.raises(ValueError, match="column 'sample' holds text"):  # without an ID column, IDs are features
        read_new_rows(content, "new.csv", Dataset(X=np.zeros((2, 3)), y=None, name="run", label_column="kind",
                                                  feature_names=("a", "b", "sample"), dropped_columns=("note",)))
    older = Dataset(X=np.zeros((2, 2)), y=None, name="run", scaling="standardised columns", feature_names=("a", "b"))
    with pytest.raises(ValueError, match="recorded before its scaling"):  # a run whose column statistics were not kept
        read_new_rows(b"a,b\n1,2\n", "new.csv", older)


def test_a_damaged_file_of_new_rows_is_one_line_from_the_cli(tmp_path, capsys):
    store = RunStore(tmp_path / "store")
    run_id, _ = record_run(store, load_dataset("blobs", n_samples=90, n_clusters=3))
    damaged = tmp_path / "new.npz"
    out = io.BytesIO()
    np.savez(out, X=np.zeros((5, 2)))
    damaged.write_bytes(out.getvalue()[:60])  # truncated inside the archive
    capsys.readouterr()
    assert main(["predict", run_id, "--file", str(damaged), "--store", str(store.folder)]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: new.npz:") and "\n" not in error and "Traceback" not in error
    lying = tmp_path / "new.csv"
    lying.write_bytes(out.getvalue())  # an .npz under a .csv name
    assert main(["predict", run_id, "--file", str(lying), "--store", str(store.folder)]) == 2
    assert "rename it to new.npz" in capsys.readouterr().err
