"""Who trains a run: host, pid and when that pid started, recorded with the run, so that a
reader tells a run still training from one whose process died (a crash, a kill, a closed app).

On the same host the process must still exist with the same start time (pids are reused,
in containers especially); on another host only a heartbeat can tell, so a run whose
heartbeat is older than `stale_after_s` counts as dead there.
"""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path


def process_start(pid: int) -> str | None:
    """When process `pid` started (Linux /proc, clock ticks since boot); None if it is gone or a zombie."""
    try:
        after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return None if after_name[0] in "ZX" else after_name[19]


def _pid_exists(pid: int) -> bool:
    """Without /proc (macOS): whether any process has this pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: str | None  # process_start(pid) when the run was created

    @classmethod
    def this_process(cls) -> "Owner":
        return cls(socket.gethostname(), os.getpid(), process_start(os.getpid()))

    def alive(self, heartbeat: float, stale_after_s: float) -> bool:
        if self.host != socket.gethostname():
            return time.time() - heartbeat < stale_after_s
        if Path("/proc/self/stat").exists():
            return process_start(self.pid) == self.started
        return _pid_exists(self.pid)
