"""The autoencoders every method starts from: an MLP and a convolutional one for images.

MLP: d_in-500-500-2000-d_emb with a mirrored decoder, linear embedding and linear output
(DEC, DEKM_dense.py, DKM). Conv: DEKM.py's Conv(32,k5,s2)-Conv(64,k5,s2)-Conv(128,k3,s2)
-Dense(d_emb), decoder mirrored with transposed convolutions. DEPICT's dropout network
(kind "depict") lives in depict.py; build.py makes the one a config names.
"""
from __future__ import annotations

import torch
from torch import nn

from ..settings.autoencoder import AutoencoderConfig

ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.2), "tanh": nn.Tanh}  # autoencoder_config.ACTIVATIONS names


class Autoencoder(nn.Module):
    """encoder: x -> h (the embedding), decoder: h -> x_hat. Inputs are flat rows."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module, embedding_dim: int, kind: str):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.embedding_dim = embedding_dim
        self.kind = kind  # "mlp", "conv" or "depict"

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x)  # (b, d_emb)
        return h, self.decoder(h)  # (b, d_in)

    def encode_layers(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The input as the network sees it, then each encoder stage's output, ending with h.
        Layer-wise reconstruction (DEPICT) pairs them, reversed and without h, with `decode_layers`."""
        return [x, self.encoder(x)]

    def decode_layers(self, h: torch.Tensor) -> list[torch.Tensor]:
        """Each decoder stage's output, the last being the reconstruction (one stage here)."""
        return [self.decoder(h)]


def mlp(widths: list[int], activation: str) -> nn.Sequential:
    """Linear layers of the given widths with `activation` between them, linear at the end."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(widths) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def glorot_normal_bias_(bias: torch.Tensor, generator: torch.Generator | None = None) -> None:
    """Keras' glorot_normal on a vector of size n: truncated normal (2 std), std sqrt(1 / n) / 0.8796."""
    std = (1.0 / len(bias)) ** 0.5 / 0.87962566
    nn.init.trunc_normal_(bias, std=std, a=-2 * std, b=2 * std, generator=generator)


@torch.no_grad()
def initialise(autoencoder: Autoencoder, init: str) -> Autoencoder:
    """Re-initialise every dense and convolutional layer as `init` says (AutoencoderConfig.init), from torch's
    global generator (seeded by the loop). PyTorch's default weights are Keras' VarianceScaling(1/3, fan_in,
    uniform) already, so "zero_bias" only zeroes the biases, as Keras does."""
    if init == "default":
        return autoencoder
    for layer in autoencoder.modules():
        if not isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            continue
        if init == "glorot":
            nn.init.xavier_uniform_(layer.weight)
            if layer.bias is not None:
                glorot_normal_bias_(layer.bias)
        elif layer.bias is not None:
            layer.bias.zero_()
    return autoencoder


class _Unflatten(nn.Module):
    def __init__(self, shape: tuple[int, ...]):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def conv_autoencoder(image_shape: tuple[int, ...], config: AutoencoderConfig) -> Autoencoder:
    """DEKM.py's conv autoencoder; TF 'same' padding with stride 2 gives ceil(size / 2)."""
    channels, height, width = image_shape
    if height != width:
        raise ValueError(f"the convolutional autoencoder needs square images, got {height}x{width}")
    act = ACTIVATIONS[config.activation]
    filters = (32, 64, 128)
    # (kernel, padding): the third layer is 'same' when the size divides by 8, else 'valid'
    specs = ((5, 2), (5, 2), (3, 1 if height % 8 == 0 else 0))
    sizes = [height]
    for kernel, padding in specs:
        sizes.append((sizes[-1] + 2 * padding - kernel) // 2 + 1)
    encoder_layers: list[nn.Module] = [_Unflatten((channels, height, width))]
    for n_in, n_out, (kernel, padding) in zip((channels, *filters[:-1]), filters, specs):
        encoder_layers += [nn.Conv2d(n_in, n_out, kernel, stride=2, padding=padding), act()]
    flat = filters[-1] * sizes[-1] ** 2
    encoder_layers += [nn.Flatten(), nn.Linear(flat, config.embedding_dim)]
    decoder_layers: list[nn.Module] = [nn.Linear(config.embedding_dim, flat), act(), _Unflatten((filters[-1], sizes[-1], sizes[-1]))]
    outs = (filters[1], filters[0], channels)
    for i, ((kernel, padding), n_out) in enumerate(zip(specs[::-1], outs)):
        size_in, target = sizes[-1 - i], sizes[-2 - i]
        extra = target - ((size_in - 1) * 2 - 2 * padding + kernel)  # output_padding restores the size
        decoder_layers.append(nn.ConvTranspose2d(filters[-1 - i], n_out, kernel, 2, padding, output_padding=extra))
        if i < 2:
            decoder_layers.append(act())
    decoder_layers.append(nn.Flatten())
    return Autoencoder(nn.Sequential(*encoder_layers), nn.Sequential(*decoder_layers), config.embedding_dim, "conv")
