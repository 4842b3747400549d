"""The method cards: torch-free for the first page, and the same registry as METHODS."""
import subprocess
import sys
from pathlib import Path

from deepclust_core.networks.autoencoder import ACTIVATIONS
from deepclust_core.settings.autoencoder import ACTIVATIONS as ACTIVATION_NAMES
from deepclust_core.catalog import CARDS
from deepclust_core.methods import METHODS
from deepclust_core.settings.options import option_specs

HEAVY = ("torch", "scipy", "sklearn", "pandas")
# what pages/train.py imports: the first page draws its sidebar and Start before torch and friends load
FIRST_PAGE_MODULES = ("ui.settings_form", "ui.presets", "ui.run_buttons", "ui.branch", "ui.data_picker",
                      "ui.data_preview", "ui.live_view", "ui.run_state", "deepclust_core.settings.build",
                      "deepclust_core.catalog")


def test_the_first_page_imports_no_training_code():
    script = f"import sys; import {', '.join(FIRST_PAGE_MODULES)}; print([m for m in {HEAVY!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_every_method_has_its_card_in_the_same_order():
    assert list(METHODS) == list(CARDS)
    for name, cls in METHODS.items():
        assert cls.card is CARDS[name] and cls.card.name == name


def test_every_card_has_a_form():
    for card in CARDS.values():
        specs = option_specs(card.config_class)
        assert specs and all(spec.help for spec in specs), card.name  # every field carries its comment
        card.config_class()  # the defaults are valid


def test_every_card_names_the_source_of_its_recipe():
    for card in CARDS.values():
        assert "github.com/" in card.source or "arXiv" in card.source, card.name


def test_activation_names_match_the_layers():
    assert tuple(ACTIVATIONS) == ACTIVATION_NAMES
