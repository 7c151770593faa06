"""Web processes under a supervisor, so that both cores answer requests and a stuck process is replaced.

One Python process parses HTTP and runs the guards on one core at most; `serve` forks `web_processes` web
processes, each of which loads its own store over the embedded store (api/serve.py says why). Each listens on a
socket of its own bound to the same port with SO_REUSEPORT, so that the kernel spreads new connections
evenly: on one shared socket, the first process to wake accepted every connection of a burst (asyncio
accepts up to its backlog at each wake-up), and 8 clients were all served by one process. Each web
process has its own SPARQL worker pool (query_workers each).

The parent stays single-threaded (fork is safe from it at any time) and only supervises: a web
process that dies is forked again after RESTART_DELAY_S; one that exits with ServeFailed's exit
code (it could not start) stops the others and `serve` fails; SIGTERM or SIGINT is passed on to
every web process, which finish their requests (uvicorn's graceful shutdown) before the parent exits.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from typing import Any

from exportgraph.exc import ServeFailed

log = logging.getLogger(__name__)

RESTART_DELAY_S = 1.0
Handlers = dict[signal.Signals, Any]  # the signal handlers to restore


def run_forked(socks: list[socket.socket], child: Callable[[socket.socket], None]) -> None:
    """Fork a process per socket, each calling child(its socket) (which serves until told to stop)."""
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            _signal(pid, signal.SIGTERM)

    def start(index: int) -> None:
        child(socks[index])

    children: dict[int, int] = {}  # pid -> index
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for index in range(len(socks)):
            children[_fork(functools.partial(start, index), previous)] = index
        failed = _supervise(children, start, previous, lambda: stopping)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed:
        raise ServeFailed("a web process did not start (see the log above)")


def _supervise(children: dict[int, int], child: Callable[[int], None], previous: Handlers,
               stopping: Callable[[], bool]) -> bool:
    """Wait for the web processes; fork a replacement for one that dies. True if one could not start."""
    failed = False
    while children:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        index = children.pop(pid, None)
        if index is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        if code == ServeFailed.exit_code and not stopping():
            failed = True
            for other in children:
                _signal(other, signal.SIGTERM)
        elif not stopping() and not failed:
            if code == 0:  # it recycled itself (a runaway query, sparql/inprocess.py)
                log.warning("web process %d (pid %d) stopped; starting a new one", index, pid)
            else:
                log.error("web process %d (pid %d) exited with %d; starting a new one", index, pid, code)
            time.sleep(RESTART_DELAY_S)
            if not stopping():  # a stop may have come during the delay
                children[_fork(functools.partial(child, index), previous)] = index
    return failed


def _fork(child: Callable[[], None], previous: Handlers) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        for sig, handler in previous.items():
            signal.signal(sig, handler)  # uvicorn installs its own in child()
        child()
    except ServeFailed as exc:
        log.error("%s", exc.message)
        code = ServeFailed.exit_code
    except BaseException:  # noqa: BLE001 - the parent logs the exit code; the cause is logged here
        log.exception("web process failed")
        code = 1
    finally:
        logging.shutdown()
        os._exit(code)
    return 0  # not reached


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
