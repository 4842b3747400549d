"""The method cards: torch-free for the first page and the Learn page, and the same registry as METHODS."""
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from deepclust_core.networks.autoencoder import ACTIVATIONS
from deepclust_core.settings.autoencoder import ACTIVATIONS as ACTIVATION_NAMES, AutoencoderConfig
from deepclust_core.catalog import CARDS
from deepclust_core.methods import METHODS
from deepclust_core.settings.options import option_specs
from deepclust_core.settings.train import TrainConfig

HEAVY = ("torch", "scipy", "sklearn", "pandas")
# what pages/train.py imports: the first page draws its sidebar and Start before torch and friends load
FIRST_PAGE_MODULES = ("ui.settings_form", "ui.presets", "ui.run_buttons", "ui.branch", "ui.data_picker",
                      "ui.data_preview", "ui.live_view", "ui.run_state", "deepclust_core.recipe.build",
                      "deepclust_core.catalog")
ROOT = Path(__file__).resolve().parents[1]


def heavy_modules_after(script: str) -> str:
    """What of HEAVY a fresh interpreter holds after running `script` in the repository root."""
    check = f"{script}\nimport sys; print([m for m in {HEAVY!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_first_page_imports_no_training_code():
    assert heavy_modules_after(f"import {', '.join(FIRST_PAGE_MODULES)}") == "[]"


def test_the_learn_page_draws_every_lesson_without_the_training_code():
    script = ("import deepclust_core.catalog, deepclust_core.settings.options, deepclust_core.settings.train\n"
              "from streamlit.testing.v1 import AppTest\n"
              "at = AppTest.from_file('pages/learn.py', default_timeout=60).run()\n"
              "assert not at.exception and len(at.expander) == len(deepclust_core.catalog.CARDS), at.exception")
    assert heavy_modules_after(script) == "[]"


def test_every_method_has_its_card_in_the_same_order():
    assert list(METHODS) == list(CARDS)
    for name, cls in METHODS.items():
        assert cls.card is CARDS[name] and cls.card.name == name


def test_every_card_has_a_form():
    for card in CARDS.values():
        assert option_specs(card.config_class), card.name
        card.config_class()  # the defaults are valid


SHOWN_CONFIGS = [card.config_class for card in CARDS.values()] + [TrainConfig, AutoencoderConfig]


@pytest.mark.parametrize("config_class", SHOWN_CONFIGS, ids=lambda cls: cls.__name__)
def test_every_setting_carries_its_help(config_class):
    assert [f.name for f in fields(config_class) if not f.metadata.get("help", "").strip()] == []
    assert [spec.help for spec in option_specs(config_class)] == [f.metadata["help"] for f in fields(config_class)]


def test_a_setting_keeps_its_default_help_and_choices():
    spec = option_specs(AutoencoderConfig)[0]
    assert (spec.name, spec.default, spec.choices, spec.title) == ("kind", "mlp", ("mlp", "conv", "depict"), "Kind")
    assert spec.help.startswith('"mlp" (DEKM_dense.py, DEC)')
    choice = {spec.name: spec for spec in option_specs(CARDS["dkm"].config_class)}["schedule"]
    assert (choice.default, choice.choices) == ("constant", ("constant", "annealed"))
    with pytest.raises(TypeError, match="n_clusters"):
        TrainConfig()  # setting(help=...) alone: a required field


def test_every_card_teaches_its_method():
    for card in CARDS.values():
        lesson = card.lesson
        assert lesson.optimises and lesson.idea and lesson.watch and lesson.source, card.name
        assert lesson.equations and all(isinstance(equation, str) and equation for equation in lesson.equations)


def test_every_card_names_the_source_of_its_recipe():
    for card in CARDS.values():
        assert "github.com/" in card.source or "arXiv" in card.source, card.name


def test_activation_names_match_the_layers():
    assert tuple(ACTIVATIONS) == ACTIVATION_NAMES
