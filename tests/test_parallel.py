"""Work over the cores: results in order, errors raised, the workers really used."""

from __future__ import annotations

import os
import threading

import pytest

from badgepress import parallel
from badgepress.parallel import can_fork, fork_pool, worker_count


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def _fail_on_700(n: int) -> int:
    if n == 700:
        raise ValueError("item 700 is bad")
    return n


def test_a_fork_pool_keeps_order_and_uses_the_workers() -> None:
    assert worker_count() >= 2, "the tests run with at least two cores"
    with fork_pool(2) as pool:
        results = pool.map(_square_and_pid, range(1000))
    assert [r[0] for r in results] == [n * n for n in range(1000)]
    pids = {r[1] for r in results}
    assert os.getpid() not in pids  # done by the workers (how the pool shares the chunks is its own affair)


def test_can_fork_only_without_other_threads() -> None:
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


def test_an_error_in_a_worker_is_raised_in_the_parent() -> None:
    with fork_pool(2) as pool, pytest.raises(ValueError, match="item 700 is bad"):
        pool.map(_fail_on_700, range(1000))


def _pid_and(value: str) -> tuple[int, str]:
    return os.getpid(), value


def _fail_in_child(parent: int) -> int:
    if os.getpid() != parent:
        raise RuntimeError("the child fails")
    return 42


def test_background_work_is_done_by_a_child_and_falls_back_to_this_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # other tests leave server threads running, which makes can_fork() refuse; this child only
    # returns a value, so forking beside those threads is safe
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    pid, value = parallel.Background(lambda: _pid_and("listed")).result()
    assert (value, pid != os.getpid()) == ("listed", True)
    # a child that fails: the work is done here, with the same result
    parent = os.getpid()
    assert parallel.Background(lambda: _fail_in_child(parent)).result() == 42
    # cancelled: the child is gone (reaped), nothing is left to read
    pending = parallel.Background(lambda: _pid_and("never read"))
    child = pending._pid
    pending.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)
    # where fork is not safe, the work is done when the result is asked for
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.Background(lambda: _pid_and("here")).result() == (os.getpid(), "here")


def _collector_on(_: int) -> bool:
    import gc

    return gc.isenabled()


def test_workers_collect_garbage_while_the_parent_pauses_its_collector() -> None:
    import gc

    assert gc.isenabled()
    with parallel.paused_gc():
        assert not gc.isenabled()
        with fork_pool(2) as pool:
            assert pool.map(_collector_on, range(600)) == [True] * 600
    assert gc.isenabled()
