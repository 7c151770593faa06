"""Admission of SPARQL queries to the worker pool: a bounded wait before a refusal.

At most `limit` queries wait for or hold a worker (max_concurrent_queries). Beyond that a query
waits its turn, first come first served, for up to `wait_s`; only then, or when more than
WAITING_PER_SLOT x limit are already waiting, is it refused with 429 and Retry-After. A burst of
32 clients of ordinary queries is answered, not refused; a pile of slow queries still is.

Lives on the event loop only (no locks); futures are made on the running loop at each wait, so
the object is not bound to one loop.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from exportgraph.exc import TooManyRequests

WAITING_PER_SLOT = 8  # at most this many queries wait per admitted one; beyond that: 429 at once


class Admission:
    def __init__(self, limit: int, wait_s: float) -> None:
        self.limit = limit
        self.wait_s = wait_s
        self.admitted = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self.acquire()
        try:
            yield
        finally:
            self.release()

    async def acquire(self) -> None:
        if self.admitted < self.limit and not self._waiters:
            self.admitted += 1
            return
        if len(self._waiters) >= self.limit * WAITING_PER_SLOT:
            raise TooManyRequests(f"{self.admitted} queries are running or queued and {len(self._waiters)} "
                                  "more are waiting; try again shortly")
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.wait_s)
        except TimeoutError:
            if turn.done():  # handed a slot just as the wait ended: take it
                return
            self._waiters.remove(turn)
            turn.cancel()
            raise TooManyRequests(f"{self.limit} queries are running or queued and this one waited "
                                  f"{self.wait_s:g} s for its turn; try again shortly") from None
        except BaseException:  # the client went away while it waited
            if turn.done():
                self.release()
            else:
                self._waiters.remove(turn)
                turn.cancel()
            raise

    def release(self) -> None:
        """The slot goes to the longest waiter (it stays counted as admitted), else it is freed."""
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.admitted -= 1
