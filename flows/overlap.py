"""Overlapping a flow's steps: the next batch is fetched while the current one is cleaned, and a
batch is written while the next is cleaned, so network, CPU and disk work at the same time with
at most three batches in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # only a type here: the dedup run of a small backlog imports no Prefect
    from prefect.futures import PrefectFuture

Item = TypeVar("Item")
Result = TypeVar("Result")


def prefetched(items: Iterable[Item], start: Callable[[Item], PrefectFuture[Result]]) -> Iterator[tuple[Item, Result]]:
    """Each item with the result of `start(item)`; the next item is started before the current
    result is handed over, so the caller's work on it overlaps the next one's start."""
    iterator = iter(items)
    current = next(iterator, None)
    pending = start(current) if current is not None else None
    while current is not None and pending is not None:
        following = next(iterator, None)
        upcoming = start(following) if following is not None else None
        yield current, pending.result()
        current, pending = following, upcoming


@contextmanager
def one_behind(collect: Callable[[Result], object]) -> Iterator[Callable[[PrefectFuture[Result]], None]]:
    """A `submit(future)` that keeps one task in flight: submitting waits for the previous
    task and hands its result to `collect`; leaving the block does the same for the last one."""
    pending: list[PrefectFuture[Result]] = []

    def submit(future: PrefectFuture[Result]) -> None:
        if pending:
            collect(pending.pop().result())
        pending.append(future)

    yield submit
    if pending:
        collect(pending.pop().result())
