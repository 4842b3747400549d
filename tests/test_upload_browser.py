"""End to end with the user's own data: upload a CSV and a .zip of images in Chromium, train
briefly, lasso points in the autoencoder panel and see their pictures or rows under "Selected points".

Screenshots go to test-artifacts/ (upload-csv-selected.png, upload-zip-selected.png).
"""
import io
import re
import zipfile

import numpy as np
from browser_support import ARTIFACTS, BROWSER_MARKS
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from browser_harness import live_chart, open_app, set_epochs, start_button

pytestmark = BROWSER_MARKS
UPLOAD_CHOICE = "Your file (CSV, .npy, .npz, .zip of images)"


def csv_file(path):
    """Three well separated Gaussian classes in 4 columns, with a header and a 'kind' label column."""
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0, 0, 0], [6, 6, 0, 0], [0, 6, 6, 6]], dtype=float)
    kinds = np.repeat(np.arange(3), 60)
    rows = centres[kinds] + rng.normal(size=(len(kinds), 4))
    lines = ["a,b,c,d,kind"] + [",".join(f"{v:.4f}" for v in row) + f",{k}" for row, k in zip(rows, kinds)]
    path.write_text("\n".join(lines) + "\n")
    return path


def zip_file(path):
    """40 noisy 12x12 pictures of a bar and 40 of a ring, one folder per class, as PNG."""
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[:12, :12]
    shapes = {"bar": (abs(xx - 5.5) < 2).astype(float),
              "ring": (abs(np.hypot(xx - 5.5, yy - 5.5) - 3.5) < 1.2).astype(float)}
    with zipfile.ZipFile(path, "w") as archive:
        for name, shape in shapes.items():
            for i in range(40):
                picture = np.clip(shape + rng.normal(scale=0.15, size=shape.shape), 0, 1)
                buffer = io.BytesIO()
                Image.fromarray((picture * 255).astype(np.uint8), mode="L").save(buffer, format="PNG")
                archive.writestr(f"{name}/{i:02d}.png", buffer.getvalue())
    return path


def open_upload(browser, server, path):
    page = browser.new_page(viewport={"width": 1500, "height": 1600})
    open_app(page, server)
    page.get_by_role("combobox", name="Data set").click()
    page.get_by_role("option", name=UPLOAD_CHOICE).click()
    page.locator("input[type=file]").set_input_files(str(path))
    return page


def train_briefly(page) -> None:
    set_epochs(page, 5, 3)
    start_button(page).click()
    page.get_by_text(re.compile("^Finished")).first.wait_for(timeout=240_000)
    page.wait_for_timeout(1500)  # the fragment's last redraw


def lasso_autoencoder_panel(page):
    """Draw a lasso over most of the autoencoder panel (its default drag mode is lasso), again if
    a redraw of the page swallowed it; the "N selected points" heading above their pictures."""
    heading = page.get_by_text(re.compile(r"^\d+ selected points")).first
    for _ in range(3):
        box = live_chart(page, "Autoencoder space").locator(".nsewdrag").first.bounding_box()
        left, top = box["x"] + 0.05 * box["width"], box["y"] + 0.05 * box["height"]
        right, bottom = box["x"] + 0.95 * box["width"], box["y"] + 0.95 * box["height"]
        page.mouse.move(left, top)
        page.mouse.down()
        for x, y in ((right, top), (right, bottom), (left, bottom), (left, top + 5)):
            page.mouse.move(x, y, steps=12)
        page.mouse.up()
        try:
            heading.wait_for(timeout=15_000)
            return heading
        except PlaywrightTimeout:
            page.wait_for_timeout(2000)
    heading.wait_for(timeout=1)  # raises: no selection after three lassos
    return heading


def selected_points(page):
    """The "Selected points" expander under the panels, where their pictures or rows are drawn."""
    return page.get_by_test_id("stExpander").filter(has_text="Selected points")


def test_csv_upload_train_and_select(server, browser, tmp_path):
    page = open_upload(browser, server, csv_file(tmp_path / "three-classes.csv"))
    page.get_by_role("combobox", name="Label column").click(timeout=30_000)
    page.get_by_role("option", name="kind").click()
    page.get_by_text("180 rows").first.wait_for(timeout=30_000)  # the preview's shape
    page.wait_for_timeout(1000)
    assert page.get_by_role("spinbutton", name="Clusters K").input_value() == "3"  # K follows the chosen label column
    train_briefly(page)
    heading = lasso_autoencoder_panel(page)
    selected = int(re.match(r"\d+", heading.inner_text())[0])
    assert selected > 20
    shown = selected_points(page).get_by_test_id("stDataFrame")
    shown.first.wait_for(timeout=30_000)  # tabular data: the selected rows as a table
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload-csv-selected.png"), full_page=True)
    page.close()


def test_zip_upload_train_and_select(server, browser, tmp_path):
    page = open_upload(browser, server, zip_file(tmp_path / "shapes.zip"))
    page.get_by_text("80 rows").first.wait_for(timeout=30_000)
    train_briefly(page)
    heading = lasso_autoencoder_panel(page)
    assert int(re.match(r"\d+", heading.inner_text())[0]) > 10
    captions = selected_points(page).get_by_text(re.compile(r"^#\d+ · (bar|ring) · c\d$"))
    captions.nth(10).wait_for(timeout=30_000)  # image data: a picture per selected point, captioned label and cluster
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "upload-zip-selected.png"), full_page=True)
    page.close()
