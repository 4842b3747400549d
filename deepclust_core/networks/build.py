"""The autoencoder a config names: the MLP or the conv network (networks/autoencoder.py), or DEPICT's (depict.py),
initialised as the config says."""
from __future__ import annotations

from ..settings.autoencoder import AutoencoderConfig
from .autoencoder import Autoencoder, conv_autoencoder, initialise, mlp
from .depict import depict_autoencoder


def build_autoencoder(config: AutoencoderConfig, n_features: int, image_shape: tuple[int, ...] | None) -> Autoencoder:
    if config.kind == "depict":
        autoencoder = depict_autoencoder(config, n_features, image_shape)
    elif config.kind == "conv":
        if image_shape is None:
            raise ValueError("the convolutional autoencoder needs image data; use the MLP for tables")
        autoencoder = conv_autoencoder(image_shape, config)
    else:
        widths = [n_features, *config.hidden, config.embedding_dim]
        autoencoder = Autoencoder(mlp(widths, config.activation), mlp(widths[::-1], config.activation),
                                  config.embedding_dim, "mlp")
    return initialise(autoencoder, config.init)
