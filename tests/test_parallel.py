"""Work over the cores: results in order, errors raised, the workers really used."""

from __future__ import annotations

import os

import pytest

from badgepress.parallel import can_fork, parallel_map, worker_count


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def _fail_on_700(n: int) -> int:
    if n == 700:
        raise ValueError("item 700 is bad")
    return n


def test_parallel_map_keeps_order_and_uses_the_workers() -> None:
    assert can_fork() and worker_count() >= 2, "the tests run on Linux with at least two cores"
    results = parallel_map(_square_and_pid, list(range(1000)))
    assert [r[0] for r in results] == [n * n for n in range(1000)]
    pids = {r[1] for r in results}
    assert os.getpid() not in pids and len(pids) >= 2


def test_parallel_map_stays_in_process_below_its_minimum() -> None:
    results = parallel_map(_square_and_pid, list(range(100)))
    assert {r[1] for r in results} == {os.getpid()}
    assert parallel_map(_square_and_pid, []) == []


def test_an_error_in_a_worker_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="item 700 is bad"):
        parallel_map(_fail_on_700, list(range(1000)))
