"""A user's CSV with its names kept: columns, string classes, an ID column, dropped columns, missing values."""
import numpy as np
import pytest

from deepclust_core import DataError, load_dataset
from deepclust_core.data.csv_table import TableOptions, csv_columns, read_csv
from deepclust_core.data.dataset import encode_labels, round_for_reading

PATIENTS = b"""patient;age;weight;site;outcome
p01;34;70.5;north;cured
p02;51;;south;relapse
p03;29;65.25;north;cured
p04;NA;80.0;east;relapse
p05;62;77.5;south;cured
p06;45;68.0;north;relapse
"""


def test_names_id_and_dropped_columns_are_kept_on_the_dataset():
    data = read_csv(PATIENTS, "patients.csv", TableOptions(label_column="outcome", id_column="patient",
                                                           drop_columns=("site",), drop_missing=True))
    assert data.feature_names == ("age", "weight") and data.column_names() == ("age", "weight")
    assert data.class_names == ("cured", "relapse") and data.y.tolist() == [0, 0, 0, 1]
    assert data.id_column == "patient" and data.ids.tolist() == ["p01", "p03", "p05", "p06"]
    assert data.file_rows.tolist() == [0, 2, 4, 5] and data.dropped_rows == 2
    assert data.dropped_columns == ("site",)
    assert data.preprocessing() == ("standardised columns; ID column 'patient' kept, not clustered; "
                                    "dropped columns 'site'; 2 rows with missing values dropped")


def test_values_come_back_in_the_files_units():
    data = read_csv(PATIENTS, "patients.csv", TableOptions(label_column=4, id_column=0, drop_columns=("3",),
                                                           drop_missing=True))
    assert np.allclose(data.X.mean(axis=0), 0, atol=1e-6)
    assert round_for_reading(data.in_file_units(data.X)).tolist() == [[34, 70.5], [29, 65.25], [62, 77.5], [45, 68]]
    new_rows = np.array([[34, 70.5], [40, 72.0]])
    assert np.allclose(data.scale_like_file(new_rows)[0], data.X[0], atol=1e-6)
    assert np.allclose(data.in_file_units(data.scale_like_file(new_rows)), new_rows, atol=1e-4)


def test_round_for_reading_uses_each_columns_magnitude():
    values = np.array([[np.float32(-1.507), np.float32(1234.5678), 0.000123456789],
                       [np.float32(5.1), np.float32(99.0), 0.0]], dtype=np.float64)
    assert round_for_reading(values).tolist() == [[-1.507, 1234.57, 0.000123457], [5.1, 99.0, 0.0]]


def test_missing_values_are_named_with_column_count_and_line():
    with pytest.raises(DataError) as caught:
        read_csv(PATIENTS, "patients.csv", TableOptions(label_column="outcome", id_column="patient",
                                                        drop_columns=("site",)))
    assert str(caught.value) == (
        "patients.csv: missing values: 1 in column 'age' (first on line 5), 1 in column 'weight' (first on line 3), "
        "in 2 rows; drop those rows (option \"drop rows with missing values\", --drop-missing) or fill them in")


def test_a_missing_label_is_a_missing_value_and_blank_lines_keep_line_numbers():
    content = b"a,kind\n1,x\n\n2,\n3,y\n4,x\n"
    with pytest.raises(DataError, match="1 in column 'kind' \\(first on line 4\\)"):
        read_csv(content, "t.csv", TableOptions(label_column="kind"))
    data = read_csv(content, "t.csv", TableOptions(label_column="kind", drop_missing=True))
    assert data.file_rows.tolist() == [0, 2, 3] and data.class_names == ("x", "y")


def test_a_text_column_is_named_with_what_to_do():
    with pytest.raises(DataError, match="column 'site' holds text \\('north' on line 2\\).*label or ID column, or drop"):
        read_csv(PATIENTS, "patients.csv", TableOptions(label_column="outcome", id_column="patient", drop_missing=True))


def test_headerless_csv_with_a_missing_first_cell_is_not_taken_for_a_header():
    data = read_csv(b",2\n3,4\n5,6\n", "t.csv", TableOptions(drop_missing=True))
    assert data.feature_names == ("x1", "x2") and data.n_samples == 2 and data.file_rows.tolist() == [1, 2]
    assert csv_columns(b",2\n3,4\n") == ["x1", "x2"]


def test_header_names_are_made_unique_and_separators_found():
    assert csv_columns(b"a\tb\ta\t\n1\t2\t3\t4\n") == ["a", "b", "a (2)", "column 4"]
    assert csv_columns(b"a|b\n1|2\n") == ["a", "b"]


@pytest.mark.parametrize("options, message", [
    (TableOptions(label_column="nope"), "no column named 'nope'; the columns are patient, age"),
    (TableOptions(label_column="age", id_column="age"), "cannot be both the label and the ID column"),
    (TableOptions(id_column=9), "column 9 is out of range for 5 columns"),
    (TableOptions(drop_columns=("patient", "age", "weight", "site", "outcome")), "no column is left to cluster"),
])
def test_bad_column_choices(options, message):
    with pytest.raises(DataError, match=message):
        read_csv(PATIENTS, "patients.csv", options)


def test_numeric_classes_are_ordered_by_value_and_named_as_written():
    ids, names = encode_labels(np.array(["10", "2", "2", " 1"]))
    assert names == ("1", "2", "10") and ids.tolist() == [2, 1, 1, 0]
    ids, names = encode_labels(np.array([3, 7, 3]))
    assert names == ("3", "7") and ids.tolist() == [0, 1, 0]


def test_text_in_other_encodings_is_read():
    data = read_csv("ville,x\nK\u00f6ln,1\nL\u00fcbeck,2\nM\u00fcnster,3\n".encode("cp1252"), "t.csv",
                    TableOptions(id_column="ville"))
    assert data.ids.tolist() == ["K\u00f6ln", "L\u00fcbeck", "M\u00fcnster"]


def test_load_dataset_records_the_options_and_subsamples_keep_ids(tmp_path):
    path = tmp_path / "patients.csv"
    path.write_bytes(PATIENTS)
    data = load_dataset("file", path=str(path), label_column="outcome", id_column="patient", drop_columns=["site"],
                        drop_missing=True, subsample=3, seed=1)
    assert data.source["id_column"] == "patient" and data.source["drop_columns"] == ["site"]
    again = load_dataset(**data.source)
    assert again.ids.tolist() == data.ids.tolist() and np.array_equal(again.X, data.X)
    assert set(data.ids.tolist()) <= {"p01", "p03", "p05", "p06"}
    assert [int(i[1:]) - 1 for i in data.ids] == data.file_rows.tolist()  # ids and file rows travel together
