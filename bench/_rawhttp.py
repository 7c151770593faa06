"""A minimal asyncio HTTP/1.1 client for load generation (GET and form POST, keep-alive, chunked bodies).

httpx spends about 2 ms of CPU per request and saturates near 450 req/s on this machine (shared/TRAPS.md);
this client parses only what a benchmark needs (status, headers, body length), so that on 2 cores shared
with the service it takes little of the CPU it measures. bench_soak.py reports its CPU per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass


@dataclass
class Answer:
    status: str  # "200", "503", ... or "conn-error" / "timeout"
    seconds: float
    nbytes: int = 0


class Connection:
    """One keep-alive connection; reopened after an error or a `Connection: close`."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, target: str, timeout: float, body: bytes | None = None,
                      accept: str = "*/*") -> Answer:
        started = time.perf_counter()
        try:
            status, nbytes = await asyncio.wait_for(self._retried(target, body, accept), timeout)
        except TimeoutError:
            await self.close()
            return Answer("timeout", time.perf_counter() - started)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            await self.close()
            return Answer("conn-error", time.perf_counter() - started)
        return Answer(status, time.perf_counter() - started, nbytes)

    async def _retried(self, target: str, body: bytes | None, accept: str) -> tuple[str, int]:
        """A kept-alive connection the server closed while idle fails at once: retry once on a new one."""
        if self.writer is None:
            return await self._exchange(target, body, accept)
        try:
            return await self._exchange(target, body, accept)
        except (OSError, asyncio.IncompleteReadError) as exc:
            if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                raise
            await self.close()
            return await self._exchange(target, body, accept)

    async def _exchange(self, target: str, body: bytes | None, accept: str) -> tuple[str, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = f"{'POST' if body is not None else 'GET'} {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n" \
               f"Accept: {accept}\r\nUser-Agent: bench-soak\r\n"
        if body is not None:
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + (body or b""))
        status_line = await self.reader.readuntil(b"\r\n")
        status = status_line.split(b" ", 2)[1].decode("ascii")
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        nbytes = await self._body(length, chunked)
        if close or (length is None and not chunked):
            await self.close()
        return status, nbytes

    async def _body(self, length: int | None, chunked: bool) -> int:
        assert self.reader is not None
        if length is not None:
            await self.reader.readexactly(length)
            return length
        if not chunked:
            return len(await self.reader.read())
        total = 0
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await self.reader.readexactly(size + 2)
            total += size
            if size == 0:
                return total
