"""Every method's card (name, title, config dataclass, lesson, suggested settings), without torch.

The app's forms and Learn page, the CLI's options and `recipe.config_for` read these; the
training code in `deepclust_core.methods` gives each method class its card (`Method.card`).
"""
from .ae_kmeans import AE_KMEANS_CARD
from .aecm import AECM_CARD
from .card import Lesson, MethodCard, TryIt
from .dec import DEC_CARD, IDEC_CARD
from .dekm import DEKM_CARD
from .depict import DEPICT_CARD
from .dkm import DKM_CARD
from .kmeans_friendly import KMEANS_FRIENDLY_CARD
from .n2d import N2D_CARD

CARDS: dict[str, MethodCard] = {card.name: card for card in (
    DEKM_CARD, AE_KMEANS_CARD, DKM_CARD, KMEANS_FRIENDLY_CARD, DEPICT_CARD, AECM_CARD, DEC_CARD, IDEC_CARD, N2D_CARD)}

__all__ = ["CARDS", "Lesson", "MethodCard", "TryIt"]
