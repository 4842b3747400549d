"""Ray for a sweep: the cluster at an address, or a local Ray that listens on the loopback interface only.

By Ray's own security model whoever reaches its ports can run code on the machine
(https://docs.ray.io/en/latest/ray-security/index.html), so a local Ray started here is one no other
machine can reach: its node address is 127.0.0.1, and Ray 2.60 then binds its GCS server, raylet,
object manager, runtime-env agent and every worker's gRPC server to loopback (left to itself it
binds them to every interface). `ray.init(_node_ip_address="127.0.0.1")` alone does not do it:
ray.init swaps a loopback address for the machine's network address, so that other nodes could
join (`resolve_ip_for_localhost` in ray/_private/services.py); no node joins a local Ray, so that
swap is left out while it starts. tests/test_sweeps.py checks the address of every port its
processes listen on.

A cluster joined with an address (or RAY_ADDRESS) keeps that cluster's own security: Ray's token
authentication, docs/sweeps.md.

Ray's head processes (GCS server, raylet) are started with PR_SET_PDEATHSIG, which Linux ties to the
*thread* that started them: when that thread ends they are killed, and 60 s later the process that
called ray.init exits ("Failed to connect to GCS within 60 seconds"). So `connect` belongs in a
process's main thread: the CLI's, or the app's sweep host (host.py), never a thread that ends.
"""
from __future__ import annotations

import contextlib
import logging
import os

LOOPBACK = "127.0.0.1"


def connect(address: str | None = None, num_cpus: int | None = None):
    """Ray, initialised once per process: the cluster at `address` or RAY_ADDRESS, else a local one on
    loopback with `num_cpus` CPUs (default: every core)."""
    import ray  # imported here: neither `import deepclust_core` nor the app's first page loads Ray

    if not ray.is_initialized():
        import deepclust_core

        address = address or os.environ.get("RAY_ADDRESS") or None
        options = dict(include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False,
                       runtime_env={"py_modules": [deepclust_core]})
        if address:
            ray.init(address=address, **options)
        else:
            with _loopback_kept():
                ray.init(num_cpus=num_cpus, _node_ip_address=LOOPBACK, **options)
    return ray


@contextlib.contextmanager
def _loopback_kept():
    """ray.init keeps the node address it is given, 127.0.0.1 included, while this lasts."""
    from ray._private import services

    swap = services.resolve_ip_for_localhost
    services.resolve_ip_for_localhost = lambda host: host
    try:
        yield
    finally:
        services.resolve_ip_for_localhost = swap
