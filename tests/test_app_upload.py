"""The Train page with the user's own files through AppTest: a bad file gives one line under the
uploader and leaves the sidebar and the user's settings as they were; a named CSV keeps its names."""
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
UPLOAD_CHOICE = "Your file (CSV, .npy, .npz, .zip of images)"


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.sidebar.selectbox(key="data_choice").set_value(UPLOAD_CHOICE).run()
    at.sidebar.file_uploader(key="upload").set_value((name, content, "application/octet-stream")).run()
    return at


GOOD_NPZ = npz_bytes(X=np.random.default_rng(0).random((40, 3)), y=np.arange(40) % 2)
BAD_FILES = {
    "truncated.npz": GOOD_NPZ[: len(GOOD_NPZ) // 2],
    "checksum.npz": GOOD_NPZ[:120] + bytes([GOOD_NPZ[120] ^ 0xFF]) + GOOD_NPZ[121:],
    "lies.zip": GOOD_NPZ,
    "binary.csv": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_damaged_upload_gives_one_line_and_keeps_the_sidebar(app, name):
    app.sidebar.number_input(key="dekm:train:pretrain").set_value(7).run()
    app.sidebar.number_input(key="dekm:train:cluster").set_value(11).run()
    at = upload(app, name, BAD_FILES[name])
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and errors[0].startswith(f"{name}: ") and "\n" not in errors[0]
    assert {"Data", "Method", "Training"} <= {h.value for h in at.sidebar.header}
    assert at.sidebar.number_input(key="dekm:train:pretrain").value == 7
    assert at.sidebar.number_input(key="dekm:train:cluster").value == 11
    assert at.button[0].disabled  # Start waits for readable data


def test_a_named_csv_keeps_its_names_id_and_dropped_columns(app):
    lines = ["sample,height,weight,colour,kind"] + [f"s{i},{150 + i % 7}.5,{50 + i % 5},red,{'cat' if i % 2 else 'dog'}"
                                                    for i in range(40)]
    at = upload(app, "animals.csv", ("\n".join(lines) + "\n").encode())
    assert any("holds text" in e.value and "'sample'" in e.value for e in at.sidebar.error)
    at.sidebar.selectbox(key="label_column").set_value("kind").run()
    at.sidebar.selectbox(key="id_column").set_value("sample").run()
    at.sidebar.multiselect(key="drop_columns").set_value(["colour"]).run()
    assert not at.exception and not at.sidebar.error
    table = next(frame.value for frame in at.dataframe if "height" in frame.value.columns)
    assert list(table.columns) == ["sample", "label", "height", "weight"]
    assert table["label"].tolist()[:2] == ["dog", "cat"] and table["height"].tolist()[:2] == [150.5, 151.5]
    assert any("ID column 'sample'" in c.value and "dropped columns 'colour'" in c.value for c in at.caption)


def test_missing_values_are_named_and_can_be_dropped(app):
    lines = ["a,b"] + [f"{i},{'' if i in (3, 8) else i * 2}" for i in range(30)]
    at = upload(app, "gaps.csv", ("\n".join(lines) + "\n").encode())
    assert any("2 in column 'b' (first on line 5)" in e.value for e in at.sidebar.error)
    at.sidebar.checkbox(key="drop_missing").check().run()
    assert not at.exception and not at.sidebar.error
    assert any("2 rows with missing values dropped" in c.value for c in at.caption)
