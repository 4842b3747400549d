"""Names kept past loading: the hover text, a stored run's data, the confusion matrix."""
from types import SimpleNamespace

import numpy as np

from deepclust_core import TrainConfig
from deepclust_core.data.csv_table import TableOptions, read_csv
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.stored_run import StoredRun
from ui.explore import confusion_figure
from ui.panels import hover_data

MEASURES = ("id,length (cm),width,species\n" + "\n".join(
    f"plant {i},{4.3 + 0.1 * i:.1f},{1.5 + (i % 3) * 0.25},{'setosa' if i % 2 else 'virginica'}" for i in range(20))
    + "\n").encode()


def measures():
    return read_csv(MEASURES, "plants.csv", TableOptions(label_column="species", id_column="id"))


def hover_of(data, rows: np.ndarray):
    snapshot = SimpleNamespace(display_index=rows, display_labels=np.arange(len(rows)) % 2)
    return hover_data(SimpleNamespace(data=data), SimpleNamespace(snapshot=snapshot))


def test_hover_names_the_row_id_label_and_columns_in_the_files_units():
    customdata, template = hover_of(measures(), np.array([0, 7]))
    assert template == ("point %{customdata[0]}<br>id %{customdata[1]}<br>label %{customdata[2]}<br>cluster "
                        "%{customdata[3]}<br>length (cm) = %{customdata[4]}<br>width = %{customdata[5]}<extra></extra>")
    assert customdata[1].tolist() == [7, "plant 7", "setosa", 1, 5.0, 1.75]  # 5.0, not 5.000000476837158
    assert customdata[0].tolist() == [0, "plant 0", "virginica", 0, 4.3, 1.5]


def test_hover_without_labels_has_no_label_line_and_escapes_names():
    data = read_csv(b"<b>a</b>,b\n1,2\n3,4\n5,6\n", "t.csv")
    customdata, template = hover_of(data, np.array([2]))
    assert "label" not in template and "&lt;b&gt;a&lt;/b&gt; = %{customdata[2]}" in template
    assert customdata[0].tolist() == [2, 0, 5.0, 6.0]


def test_a_stored_run_keeps_names_ids_and_units(tmp_path):
    data = measures()
    store = RunStore(tmp_path)
    run_id = store.create_run(data, TrainConfig(n_clusters=2, display_size=10), origin="python")
    stored = StoredRun(store, run_id).data
    assert stored.feature_names == ("length (cm)", "width") and stored.class_names == ("setosa", "virginica")
    assert stored.id_column == "id" and set(stored.ids) <= {f"plant {i}" for i in range(20)}
    shown = store.display(run_id).index
    assert stored.ids.tolist() == data.ids[shown].tolist()
    assert np.allclose(stored.in_file_units(stored.X), data.in_file_units(data.X[shown]), atol=0.01)  # float16 rows


def test_the_confusion_matrix_names_the_classes():
    data = measures()
    figure = confusion_figure(data.y, data.y, data.class_names, "all 20 rows")
    assert list(figure.data[0].x) == ["setosa", "virginica"]
