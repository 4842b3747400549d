"""The Learn page leads into the app: each card's "Try it" opens the Train page on its method, its data set
and its quick look (AppTest); tests/test_learn_browser.py: its text size in the lecture layout."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from deepclust_core import load_dataset
from deepclust_core.catalog import CARDS
from deepclust_core.data.loaders import SYNTHETIC
from deepclust_core.recipe.build import config_for
from ui.data_picker import data_choices

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_every_try_it_opens_the_train_page_with_its_method_data_and_quick_look():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.sidebar.selectbox(key="method").set_value("dkm").run()  # another method, its paper's settings
    for name, card in CARDS.items():
        at.switch_page("pages/learn.py").run()
        next(b for b in at.button if b.key == f"try_it:{name}").click().run()
        assert not at.exception, (name, at.exception)
        assert at.title[0].value == "Watch deep clustering learn", name  # on the Train page
        assert at.sidebar.selectbox(key="method").value == name
        assert data_choices()[at.sidebar.selectbox(key="data_choice").value] == card.try_it.data, name
        settings = next(c.value for c in at.sidebar.caption if "Settings:" in c.value)
        assert "quick look" in settings, (name, settings)
        k = next(n for n in at.sidebar.number_input if n.key.startswith("k:"))
        # on the data Try it opened (a set smaller than digits keeps the quick look's steps: settings/small_data.py)
        quick = config_for(name, k.value, preset_name="quick", data=load_dataset(card.try_it.data))
        assert at.sidebar.number_input(key=f"{name}:train:pretrain_epochs").value == quick.pretrain_epochs, name
        if card.try_it.data in SYNTHETIC:
            assert at.sidebar.number_input(key="synthetic_n").value == 1000, name
        assert k.value == (10 if card.try_it.data == "digits" else 2 if card.try_it.data in ("moons", "circles") else 4)


def test_every_card_tries_a_built_in_data_set_and_pictures_a_shipped_example_of_its_own_method():
    from deepclust_core.runs.store import EXAMPLES_DIR, RunStore

    store = RunStore(EXAMPLES_DIR, read_only=True)
    for card in CARDS.values():
        assert card.try_it.data in data_choices().values() and card.try_it.why
        if card.try_it.example is not None:
            assert store.run_record(card.try_it.example).config.method == card.name
