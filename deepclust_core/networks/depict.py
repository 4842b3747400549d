"""DEPICT's denoising autoencoder (Ghasedi Dizaji et al., ICCV 2017, Sec. 3; functions.py build_MdA).

Images: input dropout 0.1, Conv(50, k4, pad 0, LeakyReLU 0.01), dropout 0.1, Conv(50, k5, pad 2,
LeakyReLU 0.01), Flatten, Dense(K, tanh) = z; the decoder mirrors it (Dense + LeakyReLU,
transposed convolutions, tanh output). Pixels in [0, 1] are mapped to [-1, 1] inside the
network and the output back, so the loop's reconstruction loss still compares with the data.
Tables: the same idea with dense layers of `AutoencoderConfig.hidden`, linear output.
Weights keep PyTorch's default initialisation, not Lasagne's Glorot: with Glorot the dense
layer onto z starts so large that tanh saturates (|z| ~ 0.97 on digits) and the autoencoder
barely learns.

Build it with AutoencoderConfig(kind="depict", embedding_dim=K): DEPICT's embedding has one
dimension per cluster. `encode_layers` and `decode_layers` expose every stage's output, so the
method can compare each noisy decoder layer with the matching clean encoder layer.
"""
from __future__ import annotations

import torch
from torch import nn

from ..settings.autoencoder import AutoencoderConfig
from .autoencoder import Autoencoder, _Unflatten

DROPOUT = 0.1  # DEPICT.py's dropouts (0.1, 0.1, 0.0): before the first and second layer, none before z
SLOPE = 0.01  # LeakyReLU slope (LeakyRectify(leakiness=0.01))
FILTERS = 50  # feature maps of both convolutions (feature_map_sizes)
MIN_SIDE = 4  # a convolution keeps stride 2 while its output stays at least this wide


class _ToSigned(nn.Module):
    """Flat pixel rows in [0, 1] -> images in [-1, 1] (functions.py's (X - 127.5) / 127.5)."""

    def __init__(self, image_shape: tuple[int, ...]):
        super().__init__()
        self.image_shape = tuple(image_shape)

    def forward(self, x):
        return (2 * x - 1).reshape(x.shape[0], *self.image_shape)


class _FromSigned(nn.Module):
    """Images in [-1, 1] -> flat rows in [0, 1], the data's own scale."""

    def forward(self, x):
        return ((x + 1) / 2).flatten(1)


class DepictAutoencoder(Autoencoder):
    """encoder = input map + stages; decoder = stages + output map. Dropout is on in train()
    mode (the noisy path) and off in eval() mode (the clean path), with the same weights."""

    def __init__(self, to_net: nn.Module, encoder_stages: list[nn.Module], decoder_stages: list[nn.Module],
                 from_net: nn.Module, embedding_dim: int):
        super().__init__(nn.Sequential(to_net, *encoder_stages), nn.Sequential(*decoder_stages, from_net),
                         embedding_dim, "depict")

    def encode_layers(self, x: torch.Tensor) -> list[torch.Tensor]:
        """[input in network scale, first layer, ..., z]"""
        outputs = [self.encoder[0](x)]
        for stage in self.encoder[1:]:
            outputs.append(stage(outputs[-1]))
        return outputs

    def decode_layers(self, h: torch.Tensor) -> list[torch.Tensor]:
        """[deepest layer, ..., reconstruction in network scale]: encode_layers(x)[:-1] reversed."""
        outputs = []
        for stage in self.decoder[:-1]:
            h = stage(h)
            outputs.append(h)
        return outputs


def conv_geometry(side: int) -> list[tuple[int, int, int, int]]:
    """(kernel, stride, padding, output side) of the two convolutions.

    The reference's MNIST/USPS layers, k4 pad 0 then k5 pad 2, both stride 2 (28 -> 13 -> 7,
    16 -> 7 -> 4); a layer whose stride-2 output would be narrower than MIN_SIDE uses stride 1
    instead, so 8x8 digits give 8 -> 5 -> 5.
    """
    if side < 4:
        raise ValueError(f"the DEPICT network needs images of at least 4x4 pixels, got {side}x{side}")
    layers = []
    for kernel, padding in ((4, 0), (5, 2)):
        stride = 2 if (side + 2 * padding - kernel) // 2 + 1 >= MIN_SIDE else 1
        side = (side + 2 * padding - kernel) // stride + 1
        layers.append((kernel, stride, padding, side))
    return layers


def _leaky() -> nn.Module:
    return nn.LeakyReLU(SLOPE)


def depict_conv(image_shape: tuple[int, ...], embedding_dim: int) -> DepictAutoencoder:
    channels, height, width = image_shape
    if height != width:
        raise ValueError(f"the DEPICT network needs square images, got {height}x{width}")
    (k1, s1, p1, side1), (k2, s2, p2, side2) = conv_geometry(height)
    flat = FILTERS * side2 * side2
    encoder = [
        nn.Sequential(nn.Dropout(DROPOUT), nn.Conv2d(channels, FILTERS, k1, s1, p1), _leaky()),  # (b, 50, side1, side1)
        nn.Sequential(nn.Dropout(DROPOUT), nn.Conv2d(FILTERS, FILTERS, k2, s2, p2), _leaky()),  # (b, 50, side2, side2)
        nn.Sequential(nn.Flatten(), nn.Linear(flat, embedding_dim), nn.Tanh()),  # (b, K)
    ]

    def transposed(n_in, n_out, kernel, stride, padding, side_in, side_out):
        extra = side_out - ((side_in - 1) * stride - 2 * padding + kernel)  # output_padding restores the size
        return nn.ConvTranspose2d(n_in, n_out, kernel, stride, padding, output_padding=extra)

    decoder = [
        nn.Sequential(nn.Linear(embedding_dim, flat), _leaky(), _Unflatten((FILTERS, side2, side2))),
        nn.Sequential(transposed(FILTERS, FILTERS, k2, s2, p2, side2, side1), _leaky()),  # (b, 50, side1, side1)
        nn.Sequential(transposed(FILTERS, channels, k1, s1, p1, side1, height), nn.Tanh()),  # (b, c, h, w) in [-1, 1]
    ]
    return DepictAutoencoder(_ToSigned(image_shape), encoder, decoder, _FromSigned(), embedding_dim)


def depict_mlp(n_features: int, hidden: tuple[int, ...], embedding_dim: int) -> DepictAutoencoder:
    """The dense variant for tables: dropout before every hidden layer, tanh z, linear output."""
    widths = [n_features, *hidden]
    encoder = [nn.Sequential(nn.Dropout(DROPOUT), nn.Linear(a, b), _leaky()) for a, b in zip(widths[:-1], widths[1:])]
    encoder.append(nn.Sequential(nn.Linear(widths[-1], embedding_dim), nn.Tanh()))
    back = [embedding_dim, *hidden[::-1]]
    decoder: list[nn.Module] = [nn.Sequential(nn.Linear(a, b), _leaky()) for a, b in zip(back[:-1], back[1:])]
    decoder.append(nn.Linear(back[-1], n_features))
    return DepictAutoencoder(nn.Identity(), encoder, decoder, nn.Identity(), embedding_dim)


def depict_autoencoder(config: AutoencoderConfig, n_features: int, image_shape: tuple[int, ...] | None) -> DepictAutoencoder:
    """The conv network for images (pixels in [0, 1]), the dense one otherwise."""
    if image_shape is not None:
        return depict_conv(image_shape, config.embedding_dim)
    return depict_mlp(n_features, config.hidden, config.embedding_dim)
