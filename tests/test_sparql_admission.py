"""The admission queue in front of the SPARQL workers: a bounded wait, first come first served, then 429."""

from __future__ import annotations

import asyncio
import time

import pytest

from exportgraph.exc import TooManyRequests
from exportgraph.sparql.admission import WAITING_PER_SLOT, Admission


def test_a_waiter_gets_the_place_that_is_freed() -> None:
    async def run() -> list[str]:
        gate, order = Admission(1, 5.0), []

        async def one(name: str, hold: float) -> None:
            async with gate.slot():
                order.append(name)
                await asyncio.sleep(hold)

        await asyncio.gather(one("first", 0.2), one("second", 0), one("third", 0))
        assert gate.admitted == 0
        return order

    assert asyncio.run(run()) == ["first", "second", "third"]


def test_a_wait_past_the_bound_is_refused_with_retry_after() -> None:
    async def run() -> tuple[float, TooManyRequests]:
        gate = Admission(1, 0.3)
        await gate.acquire()
        started = time.monotonic()
        with pytest.raises(TooManyRequests) as refused:
            await gate.acquire()
        took = time.monotonic() - started
        gate.release()
        await gate.acquire()  # the refused waiter left no trace: the freed place is free
        return took, refused.value

    took, exc = asyncio.run(run())
    assert 0.25 < took < 2.0
    assert exc.status == 429 and int(exc.headers()["Retry-After"]) >= 1 and "waited" in exc.message


def test_too_many_waiting_are_refused_at_once() -> None:
    async def run() -> None:
        gate = Admission(1, 10.0)
        await gate.acquire()
        waiting = [asyncio.ensure_future(gate.acquire()) for _ in range(WAITING_PER_SLOT)]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(TooManyRequests):
            await gate.acquire()
        assert time.monotonic() - started < 0.5
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        gate.release()
        assert gate.admitted == 0

    asyncio.run(run())


def test_a_client_that_leaves_while_waiting_gives_up_its_turn() -> None:
    async def run() -> None:
        gate = Admission(1, 10.0)
        await gate.acquire()
        leaving = asyncio.ensure_future(gate.acquire())
        staying = asyncio.ensure_future(gate.acquire())
        await asyncio.sleep(0.05)
        leaving.cancel()
        await asyncio.sleep(0.05)
        gate.release()
        await asyncio.wait_for(staying, 1.0)
        assert gate.admitted == 1
        gate.release()
        assert gate.admitted == 0

    asyncio.run(run())
