"""Forked children (badgepress/parallel.py): they write to their pipe, exit with a status, are reaped."""

from __future__ import annotations

import gc
import os
import threading

from badgepress.parallel import can_fork, fork_child, frozen_heap, reap, worker_count


def _read_all(pipe: int) -> bytes:
    with os.fdopen(pipe, "rb") as stream:
        return stream.read()


def test_a_child_writes_to_its_pipe_and_exits_cleanly() -> None:
    parent = os.getpid()

    def work(pipe: int) -> None:
        os.write(pipe, f"{os.getpid()} {parent}".encode())

    pid, pipe = fork_child(work)
    child, seen_parent = _read_all(pipe).decode().split()
    assert int(child) == pid != parent and int(seen_parent) == parent
    assert reap(pid) == 0
    assert reap(pid) == -1  # already reaped


def test_a_child_that_raises_exits_with_a_failure_status_and_never_returns() -> None:
    def work(pipe: int) -> None:
        raise RuntimeError("the child fails")

    pid, pipe = fork_child(work)
    assert _read_all(pipe) == b""  # the parent's code after fork_child ran once, here
    assert reap(pid) != 0


def test_a_running_child_can_be_stopped() -> None:
    def work(pipe: int) -> None:
        threading.Event().wait(60)

    pid, pipe = fork_child(work)
    assert reap(pid, kill=True) != 0
    os.close(pipe)


def test_children_collect_garbage_while_the_parent_keeps_its_heap_frozen() -> None:
    def work(pipe: int) -> None:
        os.write(pipe, b"1" if gc.isenabled() else b"0")

    gc.disable()
    try:
        with frozen_heap():
            assert gc.get_freeze_count() > 0
            pid, pipe = fork_child(work)
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()
    assert _read_all(pipe) == b"1" and reap(pid) == 0


def test_can_fork_only_without_other_threads() -> None:
    assert worker_count() >= 1
    started = threading.Event()
    stop = threading.Event()
    thread = threading.Thread(target=lambda: (started.set(), stop.wait()))
    thread.start()
    started.wait()
    try:
        assert not can_fork()
    finally:
        stop.set()
        thread.join()
