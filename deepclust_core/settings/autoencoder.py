"""The autoencoder's settings, apart from the networks (networks/autoencoder.py) so that the forms and
TrainConfig can use them without importing torch."""
from __future__ import annotations

from dataclasses import dataclass

from .options import setting

ACTIVATIONS = ("relu", "leaky_relu", "tanh")  # the layers autoencoder.ACTIVATIONS builds for each name
KINDS = ("mlp", "conv", "depict")  # networks/build.py: the MLP, DEKM's conv network (images only), DEPICT's
INITS = ("default", "zero_bias", "glorot")  # the weight initialisations autoencoder.initialise applies


@dataclass(frozen=True)
class AutoencoderConfig:
    kind: str = setting("mlp", label="Kind", choices=KINDS, help='"mlp" (DEKM_dense.py, DEC), "conv" (DEKM.py, images only) or "depict" '
                                    "(DEPICT's dropout network, set embedding_dim = K)")
    hidden: tuple[int, ...] = setting((500, 500, 2000), label="Hidden widths", help="MLP widths, comma separated; 500,500,2000 is the DEC/DEKM default")
    embedding_dim: int = setting(10, label="Embedding size", help="d_emb: 10 in DEKM and DKM")
    activation: str = setting("relu", choices=ACTIVATIONS, help="AE-CM's reference uses leaky_relu (slope 0.2)")
    init: str = setting("default", label="Weight initialisation", choices=INITS, help='"default": PyTorch\'s, weights and biases uniform in ±1/sqrt(fan_in); '
                                        '"zero_bias": the same weights (Keras\' VarianceScaling(1/3, fan_in, '
                                        'uniform)), zero biases (DEC-keras); "glorot": glorot_uniform weights, '
                                        'glorot_normal biases (AECM.py)')

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"autoencoder kind must be 'mlp', 'conv' or 'depict', got {self.kind!r}")
        if self.embedding_dim < 1 or any(int(w) < 1 for w in self.hidden):
            raise ValueError("autoencoder widths and embedding size must be positive")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {self.activation!r}")
        if self.init not in INITS:
            raise ValueError(f"autoencoder init must be one of {', '.join(INITS)}, got {self.init!r}")
        object.__setattr__(self, "hidden", tuple(int(w) for w in self.hidden))
