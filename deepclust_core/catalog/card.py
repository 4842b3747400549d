"""A method's card: what the forms and the Learn page need without importing the training code (torch)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from ..settings.optimisers import Optimiser, adam_at_lr


@dataclass(frozen=True)
class Lesson:
    """What the app's Learn page says about a method, enough for a teacher to explain it."""

    optimises: str  # one or two sentences: what the method minimises, in words
    equations: tuple[str, ...]  # LaTeX, rendered with st.latex, numbered as in the paper where possible
    idea: str  # the one idea that sets the method apart
    watch: str  # what to look for in the live view
    source: str  # paper and reference code


@dataclass(frozen=True)
class TryIt:
    """What the Learn page's "Try it" opens the Train page with: a built-in data set on which the method's idea
    shows well (K: its number of classes; the method's quick look), and the shipped example to picture."""

    data: str  # a built-in data set's loader name: digits, blobs, anisotropic, moons or circles
    why: str  # one sentence: what this data set lets a class see of the method
    example: str | None = None  # a shipped example run (deepclust_core.runs.examples) of this method, or None


@dataclass(frozen=True)
class MethodCard:
    """A method's name, title, hyperparameters (its config dataclass), its lesson and its two presets of
    training settings, the reference's recipe and a quick look: what the app's forms, its Learn page and the
    CLI need, without importing the method's training code. `deepclust_core.recipe.build` layers the presets
    into a TrainConfig."""

    name: str  # the key in CARDS and METHODS, and TrainConfig.method
    title: str  # what the app and the CLI show
    config_class: type  # the method's frozen config dataclass; option_specs builds the forms from it
    lesson: Lesson  # what the Learn page teaches: the objective, its equations, the idea, what to watch
    # Training settings of the paper or reference code (pretrain_epochs, cluster_epochs, batch_size, lr, the
    # pretrain_* fields, autoencoder fields, method options); the CLI and the app start from these when the user
    # changes nothing.
    suggested: Mapping = field(default_factory=dict)
    # A quick look: what replaces `suggested` for a first run in class (fewer epochs, the same recipe otherwise)
    # that ends within about a minute on digits on 2 CPU cores (AE-CM's, whose small-data start pretrains 100 epochs,
    # in 3 to 8 minutes: 196 s alone, 503 s at load 15 to 23); the app's "Quick look" button and the CLI's --quick.
    # Each card's comment gives the wall time of `OMP_NUM_THREADS=1 python -m deepclust_core train --data digits
    # --method NAME --quick --no-cache --no-store` on a 2-core machine that other work shared (its load average
    # with it) and the final ACC, next to the AE + k-means line the CLI prints (k-means, n_init 10, same AE).
    # Methods with the same pretraining recipe find it in the cache after the first of them: DEC, IDEC and AE +
    # k-means share DEC-keras' 50 quick epochs, DKM and K-means-friendly their 50 Adam epochs.
    quick_look: Mapping = field(default_factory=dict)
    # What the recipe changes for a data set, on top of `suggested` (the quick look still on top of both): a
    # function of the Dataset (its name, image_shape) giving settings as `suggested` does; None: no such choice.
    for_data: Callable[[object], Mapping] | None = None
    # Where the recipe comes from (paper, repository and file), shown with the settings in the form and `methods`.
    source: str = ""
    # The clustering phase's optimiser as a function of the method's config (an instance of config_class): the loop
    # builds it from this (Method.make_optimizer) and the form says which settings drive it. None: the method has no
    # clustering epochs (AE + k-means, N2D: nothing is fine-tuned).
    clustering_optimiser: Callable[[object], Optimiser] | None = adam_at_lr
    # Options the method's config leaves unread, each with the reason (AE-CM's cm_epochs without init="pre"), beyond
    # the optimiser settings its clustering optimiser does not name, which recipe/drives.py finds itself.
    unread_options: Callable[[object], Mapping[str, str]] | None = None
    # The Learn page's "Try it": the data set that shows the method's idea well, and a shipped example's picture.
    try_it: TryIt = TryIt("digits", "Ten handwritten digits: ten clusters to find, labels kept for scoring only.")
