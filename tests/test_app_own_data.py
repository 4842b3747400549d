"""The Train page with the user's own files through AppTest: a bad file gives one line under the
uploader and leaves the sidebar and the user's settings as they were; a named CSV keeps its names."""
from pathlib import Path

import numpy as np
import pytest
from file_bytes import npz_bytes, png_bytes, zip_bytes
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
UPLOAD_CHOICE = "Your file (CSV, .npy, .npz, .zip of images)"


@pytest.fixture
def app():
    return AppTest.from_file(APP, default_timeout=60).run()


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
    app.sidebar.number_input(key="dekm:train:pretrain_epochs").set_value(7).run()
    app.sidebar.number_input(key="dekm:train:cluster_epochs").set_value(11).run()
    app.sidebar.selectbox(key="dekm:train:kind").set_value("conv").run()  # digits are images
    at = upload(app, name, BAD_FILES[name])
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and errors[0].startswith(f"{name}: ") and "\n" not in errors[0]
    assert {"Data", "Method", "Training"} <= {h.value for h in at.sidebar.header}
    assert at.sidebar.number_input(key="dekm:train:pretrain_epochs").value == 7
    assert at.sidebar.number_input(key="dekm:train:cluster_epochs").value == 11
    assert at.sidebar.selectbox(key="dekm:train:kind").value == "conv"
    assert at.button[0].disabled  # Start waits for readable data


def test_the_main_area_says_what_is_wrong_with_a_bad_file(app):
    """Not "Choose a data set first.": the file's problem, with the zip's entry named by its path."""
    content = zip_bytes({"class_a/good.png": png_bytes(np.zeros((4, 4))), "class_a/notapic.png": b"some text\n"})
    at = upload(app, "photos.zip", content)
    line = ("photos.zip: class_a/notapic.png cannot be read as an image (its content is not a picture in a format "
            "Pillow reads, whatever its name says)")
    assert [e.value for e in at.sidebar.error] == [line]
    assert [e.value for e in at.main.error] == [f"Fix or replace the file: {line}"] and at.button[0].disabled
    at.sidebar.file_uploader(key="upload").set_value(None).run()  # the file taken away: nothing is wrong any more
    assert not at.sidebar.error and [e.value for e in at.main.error] == ["Choose a data set first."]


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


def test_the_k_helper_scores_k_and_puts_its_suggestion_in_the_sidebar(app):
    app.sidebar.selectbox(key="data_choice").set_value("blobs (synthetic, 2-D)").run()
    app.sidebar.number_input(key="synthetic_n").set_value(300).run()
    app.sidebar.number_input(key="dekm:train:pretrain_epochs").set_value(3).run()
    app.sidebar.text_input(key="dekm:train:hidden").set_value("32,32").run()
    app.sidebar.number_input(key="k:blobs:4").set_value(7).run()
    next(b for b in app.button if b.key == "k_helper:score").click().run()
    assert not app.exception
    suggestion = next(m.value for m in app.markdown if m.value.startswith("**Suggested K = "))
    k = int(suggestion.split("= ")[1].split("*")[0])
    assert 2 <= k <= 15 and "BIC is lowest at K = " in suggestion
    assert any(chart.proto.spec and "silhouette" in chart.proto.spec for chart in app.get("plotly_chart"))
    next(b for b in app.button if b.key == "k_helper:use").click().run()
    assert app.sidebar.number_input(key="k:blobs:4").value == k


def test_an_npz_of_images_shows_pictures_and_offers_the_convolutional_autoencoder(app):
    pictures = np.random.default_rng(0).integers(0, 256, (30, 12, 12, 3)).astype(np.uint8)
    at = upload(app, "photos.npz", npz_bytes(X=pictures, y=np.repeat(["sky", "sea", "sand"], 10)))
    assert not at.exception and not at.sidebar.error
    assert "conv" in at.sidebar.selectbox(key="dekm:train:kind").options
    assert at.sidebar.number_input(key="k:photos.npz:3").value == 3
    assert at.get("image") and any("12×12 colour images" in c.value for c in at.caption)
