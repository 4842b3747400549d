"""Process facts read straight from /proc (psutil is not installed): resident memory, CPU
time of a process tree, a wait until a tree has gone quiet, a process's name and state, and the
addresses it listens on. Linux only."""
from __future__ import annotations

import contextlib
import ipaddress
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
GB = 1024 ** 3


def rss_bytes(pid: int | str = "self") -> int:
    """VmRSS of one process in bytes; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (which may hold spaces)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text[text.rindex(")") + 2:].split()


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, grandchildren, ...), from the ppid of each /proc entry."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def name_and_state(pid: int) -> tuple[str, str] | None:
    """The command name (comm) and state letter (R, S, Z for a zombie...) of a process; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2]


def listening_addresses(pid: int) -> list[tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]]:
    """(address, port) of every TCP socket the process listens on and every UDP socket bound and not
    connected, from its open files and the /proc/net tables of its network namespace."""
    wanted = {"tcp": "0A", "tcp6": "0A", "udp": "07", "udp6": "07"}  # LISTEN; an unconnected UDP socket
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):  # a file closed while we look
                if (target := os.readlink(fd)).startswith("socket:["):
                    inodes.add(target[len("socket:["):-1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return []
    found = []
    for table, state in wanted.items():
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except (FileNotFoundError, ProcessLookupError):  # the process ended while we looked
            return []
        for line in lines:
            fields = line.split()
            if fields[3] == state and fields[9] in inodes:
                host, port = fields[1].split(":")
                raw = bytes.fromhex(host)  # each 32-bit word in the machine's byte order (little-endian)
                found.append((ipaddress.ip_address(b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))),
                              int(port, 16)))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (those still alive), in seconds."""
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def tree_cpu_seconds(pid: int) -> float:
    return cpu_seconds([pid] + descendants(pid))


def wait_until_quiet(pid: int, busy_below: float = 0.15, window: float = 2.0, timeout: float = 90.0) -> float:
    """Block until the tree under `pid` uses less than `busy_below` of one core over `window`
    seconds (say, UMAP's one-off compilation in a fresh server is done); the seconds waited."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        before = tree_cpu_seconds(pid)
        time.sleep(window)
        if tree_cpu_seconds(pid) - before < busy_below * window:
            break
    return time.perf_counter() - began


@dataclass
class Sample:
    seconds: float  # since the sampler started
    progress: float  # whatever the `progress` callback said (epochs done, say)
    rss: dict[str, int]  # bytes, by the name given in `pids`


@dataclass
class RssSampler:
    """Samples the RSS of named processes every `interval` seconds in a background thread.

    `pids` maps a name to a pid or to a callable returning one, or a list of pids whose RSS is
    summed (None: not there yet)."""
    pids: dict[str, int | str | Callable[[], int | list[int] | None]]
    progress: Callable[[], float] = lambda: 0.0
    interval: float = 2.0
    samples: list[Sample] = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._began = time.perf_counter()

    def _rss(self, name: str) -> int:
        pid = self.pids[name]
        pid = pid() if callable(pid) else pid
        if pid is None:
            return 0
        return sum(rss_bytes(one) for one in pid) if isinstance(pid, list) else rss_bytes(pid)

    def sample(self) -> Sample:
        rss = {name: self._rss(name) for name in self.pids}
        taken = Sample(time.perf_counter() - self._began, float(self.progress()), rss)
        self.samples.append(taken)
        return taken

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
