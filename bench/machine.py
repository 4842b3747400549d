"""The machine a benchmark ran on, for the header of its table."""
from __future__ import annotations

import os
import platform

import torch

from deepclust_core.training.loop import resolve_device


def describe_machine(device: str = "auto") -> dict[str, str | int]:
    """CPU cores, torch version and threads, the training device (and GPU name), Python, OS."""
    resolved = resolve_device(device)
    gpu = torch.cuda.get_device_name(resolved) if resolved.type == "cuda" else ""
    return {
        "cpu_count": os.cpu_count() or 0,
        "cpu_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "device": str(resolved) + (f" ({gpu})" if gpu else ""),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def machine_line(machine: dict) -> str:
    return (f"{machine['cpu_count']} CPU cores ({machine['cpu_usable']} usable, torch uses {machine['torch_threads']} "
            f"threads), torch {machine['torch']}, device {machine['device']}, Python {machine['python']}, "
            f"{machine['platform']}")
