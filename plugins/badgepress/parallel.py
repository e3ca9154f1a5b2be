"""Work spread over the cores: forked children that inherit the parent's objects.

The batch signer (``sign/signing.py``) and the credential page renderer
(``publish/rendering.py``) hand their children the inputs through fork, so
nothing large is pickled on the way in; each child writes its results to a
pipe. Both keep the fork only because the benchmark shows it pays on two cores
(``benchmarks/README.md``); where fork is unsafe they work in one process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator


def worker_count() -> int:
    """The cores this process may run on."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(cores, 1)


def can_fork() -> bool:
    """Whether forking is safe here: Linux, and no other thread that may hold a lock.

    ``mkdocs serve`` runs its server in threads, so its rebuilds work serially.
    """
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the objects made so far out of the children's garbage collections.

    A child's collector would otherwise touch, and so copy, every object it
    inherited: the whole program and its documents.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def fork_child(work: Callable[[int], None]) -> tuple[int, int]:
    """Run ``work(pipe)`` in a forked child that writes to ``pipe``: (the child's pid, the read end).

    The child exits with status 0 once ``work`` returns, 1 if it raises; it
    never returns into the parent's code.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read)
            gc.enable()
            work(write)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def reap(pid: int, *, kill: bool = False) -> int:
    """Wait for a child (stopping it first if ``kill``); its exit status, or -1 if it was already gone.

    Until this one wait, the child's pid is not reused, even once it has exited.
    """
    if kill:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return -1
