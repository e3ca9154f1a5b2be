"""Work spread over the cores: fork-started worker processes that inherit the parent's objects.

Rendering credential pages hands the workers their inputs through fork, so
nothing large is pickled on the way in, only results on the way out. (The
batch signer forks its own children, ``sign/signing.py``; award files are read
in one process: with the cache store only the changed ones are read at all.)
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def worker_count() -> int:
    """The cores this process may run on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(cores, 1)


def can_fork() -> bool:
    # fork is safe only with no other thread holding a lock (mkdocs serve runs
    # its server in threads); elsewhere the work is done serially.
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


@contextmanager
def paused_gc() -> Iterator[None]:
    """Without the cyclic garbage collector, for work that makes many objects that stay.

    Each collection it starts while they are made walks every object made so
    far: (un)pickling the build memo took several times longer, and a rebuild
    of 10,000 awards a tenth longer. Fork-started workers turn it back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def fork_pool(workers: int) -> Iterator[Any]:
    """A pool of ``workers`` fork-started processes, which inherit the parent's objects.

    Objects made before the fork are kept out of the workers' garbage
    collection, which would otherwise touch, and so copy, every page of the
    parent's memory.
    """
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=gc.enable) as pool:
            yield pool
    finally:
        gc.unfreeze()


class Background(Generic[R]):
    """``function()`` run in a forked child while this process goes on; ``result()`` waits for it.

    For work that mostly waits on the system (listing and statting thousands of
    files) and can start early. Where fork is not safe, or the child fails,
    ``result()`` runs the function here instead: the result is the same.
    """

    def __init__(self, function: Callable[[], R]) -> None:
        self._function = function
        self._pid = 0
        self._read = -1
        if not can_fork():
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 0
            try:
                os.close(read)
                data = pickle.dumps(function(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self) -> R:
        if not self._pid:
            return self._function()
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if status != 0 or not data:
            return self._function()
        value: R = pickle.loads(data)
        return value

    def cancel(self) -> None:
        """Stop the child, if it still runs (a build that failed before needing the result)."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            with contextlib.suppress(OSError):
                os.close(self._read)
            self._pid = 0
