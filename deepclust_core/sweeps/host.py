"""The app's sweeps in a process of their own: Ray started once and reused, and a crash of Ray never
takes the app down.

    host = SweepHost()                         # starts `python -m deepclust_core.sweeps.host`
    sweep = host.start(spec, data, store)      # returns at once; the host trains and records it
    sweep.trials, sweep.active, sweep.stop()   # kept up to date from the host's messages

Why a process: Ray's head processes die with the thread that started them, and the process that
called ray.init exits 60 s after its GCS is gone (local_ray.py). A thread per sweep killed the app's
server a minute after each sweep; a thread kept forever would still let a Ray crash, an out-of-memory
kill or a `ray stop` end the server with every tab and live run in it. Here the host's main thread
owns Ray for as long as the host lives, the sweeps' drivers (driver.Sweep) run in threads beside it
and write the run store, and the app's process never loads Ray at all. If the host dies, its sweeps
end with one line saying so (their runs read back "interrupted", with the epochs they recorded) and
the next sweep starts a new host. When the app exits, the host's end of the pipe closes: it stops
what is left (recorded "stopped"), shuts Ray down and exits.

What crosses the pipe is the app's own objects (the spec, the data set, each trial's progress),
pickled between this process and its own child; user files are never unpickled.
"""
from __future__ import annotations

import copyreg
import io
import os
import pickle
import queue
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from types import MappingProxyType

from ..data.dataset import Dataset
from ..runs.store import RunStore
from .driver import Sweep, TrialState, new_sweep_id, planned_trials
from .spec import SweepSpec

# What the page shows of a trial: the host sends these after each change.
SHOWN = ("status", "step", "metrics", "converged", "node", "device", "run_id", "error")


def read_only(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


# The specs' read-only mappings (types.MappingProxyType) cross as the dicts they wrap.
PICKLED_AS = {**copyreg.dispatch_table, MappingProxyType: lambda mapping: (read_only, (dict(mapping),))}


def send(connection: Connection, message: tuple) -> None:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = PICKLED_AS
    pickler.dump(message)
    connection.send_bytes(buffer.getvalue())


def receive(connection: Connection) -> tuple:
    return pickle.loads(connection.recv_bytes())


class RemoteSweep:
    """A sweep the host trains: the same trials, sweep_id, stop() and stopping as driver.Sweep."""

    def __init__(self, host: SweepHost, spec: SweepSpec, data: Dataset):
        self.host, self.sweep_id = host, new_sweep_id()
        self.trials: list[TrialState] = planned_trials(spec, data)  # a bad setting raises here
        self.errors: list[str] = []  # why the sweep itself could not run (Ray would not start, the host died)
        self._ended = threading.Event()
        self._stop_asked = False

    @property
    def active(self) -> bool:
        return not self._ended.is_set()

    @property
    def stopping(self) -> bool:
        return self._stop_asked

    def stop(self) -> None:
        """Cancel what is left; the host records it and the sweep ends."""
        self._stop_asked = True
        self.host.send(("stop", self.sweep_id))

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the sweep has ended (or `timeout` s); whether it has."""
        return self._ended.wait(timeout)

    def _update(self, index: int, shown: dict) -> None:
        for name, value in shown.items():
            setattr(self.trials[index], name, value)

    def _end(self, error: str | None = None) -> None:
        if error:
            self.errors.append(error)
        self._ended.set()


class SweepHost:
    """The host process and the thread here that reads its messages. One per app server; it lives until
    the server exits (or dies, then `alive` is False and a new one is made)."""

    def __init__(self):
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen([sys.executable, "-m", __name__, str(theirs.fileno())],
                                        pass_fds=(theirs.fileno(),))
        theirs.close()
        self._socket = ours  # shut down by close(): that wakes the reader below and tells the host
        self._connection = Connection(os.dup(ours.fileno()))
        self._send_lock = threading.Lock()
        self._sweeps: dict[str, RemoteSweep] = {}
        self._gone: str | None = None  # why the host can take no more sweeps, once it cannot
        threading.Thread(target=self._listen, name="sweep-host-messages", daemon=True).start()

    @property
    def alive(self) -> bool:
        return self._gone is None and self.process.poll() is None

    def start(self, spec: SweepSpec, data: Dataset, store: RunStore) -> RemoteSweep:
        sweep = RemoteSweep(self, spec, data)
        self._sweeps[sweep.sweep_id] = sweep
        self.send(("start", sweep.sweep_id, spec, data, str(store.folder)))
        if self._gone is not None:  # it died before this sweep was registered: end it too
            self._end_all(self._gone)
        return sweep

    def send(self, message: tuple) -> None:
        with self._send_lock:
            try:
                send(self._connection, message)
            except OSError:  # the host has gone: _listen ends its sweeps with the reason
                pass

    def close(self, timeout: float = 60) -> None:
        """End the host as the app's exit would: what is left is recorded "stopped", Ray shuts down."""
        self._socket.shutdown(socket.SHUT_RDWR)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _listen(self) -> None:
        try:
            while True:
                kind, *fields = receive(self._connection)
                if kind == "unavailable":
                    self._gone = f"Ray would not start: {fields[0]}"
                    self._end_all(self._gone)
                elif kind == "trial":
                    sweep_id, index, shown = fields
                    self._sweeps[sweep_id]._update(index, shown)
                elif kind == "ended":
                    sweep_id, error = fields
                    self._sweeps.pop(sweep_id)._end(error)
        except (EOFError, OSError):
            code = self.process.wait()
            self._gone = self._gone or (f"the sweeps' Ray process ended (exit status {code}); each trial it was "
                                        "training is recorded with the epochs it made, as interrupted")
            self._end_all(self._gone)

    def _end_all(self, error: str) -> None:
        for sweep in list(self._sweeps.values()):
            for trial in sweep.trials:
                if not trial.done:
                    trial.status = "interrupted" if trial.status == "running" else "not started"
            sweep._end(error)
        self._sweeps.clear()


def serve(connection: Connection) -> None:
    """The host's main thread: start Ray (and keep it: this thread lives as long as the process), then run
    each sweep asked for in a thread of its own until the app's end of the pipe closes."""
    from .local_ray import connect

    inbox: queue.Queue = queue.Queue()
    threading.Thread(target=_read, args=(connection, inbox), name="app-messages", daemon=True).start()
    send_lock = threading.Lock()

    def reply(message: tuple) -> None:
        with send_lock:
            try:
                send(connection, message)
            except OSError:  # the app has gone: the inbox ends the loop below
                pass

    try:
        ray = connect()
    except Exception as error:  # noqa: BLE001 - said on the page, in one line
        reply(("unavailable", f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"))
        return
    sweeps: dict[str, Sweep] = {}
    threads: list[threading.Thread] = []
    while (message := inbox.get()) is not None:
        kind, sweep_id, *fields = message
        if kind == "start":
            spec, data, folder = fields
            try:
                sweeps[sweep_id] = Sweep(spec, data, RunStore(folder), sweep_id=sweep_id)
            except Exception as error:  # noqa: BLE001 - a store that cannot be opened, say: said on the page
                reply(("ended", sweep_id, f"{type(error).__name__}: {error}"))
                continue
            threads.append(threading.Thread(target=_run, args=(sweeps[sweep_id], reply), name=sweep_id, daemon=True))
            threads[-1].start()
        elif kind == "stop" and sweep_id in sweeps:
            sweeps[sweep_id].stop()
    for sweep in sweeps.values():
        sweep.stop()
    for thread in threads:
        thread.join(timeout=30)
    ray.shutdown()


def _read(connection: Connection, inbox: queue.Queue) -> None:
    try:
        while True:
            inbox.put(receive(connection))
    except (EOFError, OSError):
        inbox.put(None)


def _run(sweep: Sweep, reply) -> None:
    positions = {id(trial): index for index, trial in enumerate(sweep.trials)}

    def changed(trial: TrialState) -> None:
        reply(("trial", sweep.sweep_id, positions[id(trial)], {name: getattr(trial, name) for name in SHOWN}))

    error = None
    try:
        sweep.run(on_change=changed)
    except Exception as failure:  # noqa: BLE001 - shown on the page, with the trials recorded so far
        error = f"{type(failure).__name__}: {failure}"
    reply(("ended", sweep.sweep_id, error))


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the app's terminal ends the app, and the app ends this
    serve(Connection(int(sys.argv[1])))
