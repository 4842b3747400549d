"""Layer-wise reconstruction, DEPICT's (functions.py, build_depict): every noisy decoder layer against the
matching clean encoder layer, the input with weight 1 and each hidden layer with `hidden_weight` (0.1 there).

Two paths run through the same weights: a noisy one (dropout on) and a clean one (dropout off). The noisy
embedding feeds the decoder and the clean encoder layers are the targets; gradients flow through both paths,
as in build_depict's loss. Without dropout both paths coincide, and with a single decoder stage (the MLP and
conv autoencoders, see `Autoencoder.decode_layers`) only the input term remains.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .autoencoder import Autoencoder


def layer_outputs(autoencoder: Autoencoder, x: torch.Tensor, noisy: bool) -> list[torch.Tensor]:
    """encode_layers(x) with dropout on (noisy) or off (clean); gradients flow either way, as in build_MdA."""
    was_training = autoencoder.training
    autoencoder.train(noisy)
    try:
        return autoencoder.encode_layers(x)
    finally:
        autoencoder.train(was_training)


@dataclass
class LayerwiseTerms:
    embedding: torch.Tensor  # (b, d) the embedding of the path that was decoded (z~ when noisy)
    input_term: torch.Tensor  # mean squared error of the reconstructed input, in the network's own scale
    hidden_term: torch.Tensor  # hidden_weight x the sum of the hidden layers' mean squared errors


def layerwise_reconstruction(autoencoder: Autoencoder, x: torch.Tensor, hidden_weight: float,
                             noisy: bool = True) -> LayerwiseTerms:
    """The reconstruction terms of a batch x; noisy=False decodes the clean path (build_depict's loss_recons_clean)."""
    decoded_path = layer_outputs(autoencoder, x, noisy)  # [input, ..., z]
    clean = layer_outputs(autoencoder, x, noisy=False) if noisy else decoded_path
    rebuilt = autoencoder.decode_layers(decoded_path[-1])  # deepest layer first, the reconstruction last
    errors = [F.mse_loss(layer, target) for layer, target in zip(rebuilt, reversed(clean[:-1]))]
    hidden = hidden_weight * sum(errors[:-1], torch.zeros((), device=x.device))
    return LayerwiseTerms(decoded_path[-1], errors[-1], hidden)
