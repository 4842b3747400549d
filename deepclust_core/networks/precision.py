"""The arithmetic of the autoencoder's layers: float32, or bfloat16 mixed precision (TrainConfig.precision).

bfloat16 keeps float32's exponent and 8 of its 24 mantissa bits. Under `torch.autocast` the dense and
convolutional layers multiply bfloat16 copies of their inputs and weights, accumulating in float32
(PyTorch's automatic mixed precision, pytorch.org/docs/stable/amp.html; Kalamkar et al., "A Study of
BFLOAT16 for Deep Learning Training", arXiv 1905.12322); the weights, their gradients and the optimiser
state stay float32. `NetworkPrecision` limits autocast to the encoder's and decoder's forward passes
(the backward passes follow them) and hands their outputs on as float32, so every method's loss (Student's
t kernel, distances, rotations, KL) is computed in float32 on the lower-precision embedding.

Where the processor has bfloat16 arithmetic (AVX-512 BF16 or AMX on x86, a CUDA GPU with bfloat16), a
matrix product runs about twice as fast; without it, bfloat16 is emulated and slower, so "bfloat16"
falls back to float32 there (`effective_precision`).
"""
from __future__ import annotations

import torch

from ..settings.train import PRECISIONS
from .autoencoder import Autoencoder


def has_fast_bfloat16(device: torch.device) -> bool:
    """Whether `device` multiplies bfloat16 in hardware (x86: AVX-512 BF16 or AMX tiles; CUDA: Ampere on)."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type != "cpu":
        return False
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")  # private, hence looked up with a default
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def effective_precision(precision: str, device: torch.device) -> str:
    """The precision a run asking for `precision` gets on `device`: bfloat16 only where it is fast."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    return precision if precision == "float32" or has_fast_bfloat16(device) else "float32"


class NetworkPrecision:
    """Within the block, the encoder and the decoder run under bfloat16 autocast (when `precision` is
    "bfloat16") and return float32; on leaving, the network is as before. A float32 block changes nothing.

        with NetworkPrecision(autoencoder, "bfloat16"):
            h, x_hat = autoencoder(x)  # float32 tensors from bfloat16 layers
    """

    def __init__(self, autoencoder: Autoencoder, precision: str):
        self.modules = (autoencoder.encoder, autoencoder.decoder)
        self.device_type = next(autoencoder.parameters()).device.type
        self.enabled = precision == "bfloat16"
        self.handles: list = []
        self.open: list[torch.autocast] = []  # the autocast contexts of the forward passes under way

    def __enter__(self) -> "NetworkPrecision":
        if self.enabled:
            for module in self.modules:
                self.handles.append(module.register_forward_pre_hook(self._begin))
                self.handles.append(module.register_forward_hook(self._end, prepend=True, always_call=True))
        return self

    def __exit__(self, *exc) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles.clear()

    def _begin(self, module, inputs) -> None:
        context = torch.autocast(self.device_type, dtype=torch.bfloat16)
        context.__enter__()
        self.open.append(context)

    def _end(self, module, inputs, output):
        self.open.pop().__exit__(None, None, None)
        return output.float() if isinstance(output, torch.Tensor) else output
