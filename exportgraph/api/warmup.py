"""A web process's first requests, made by itself before it serves (`serve` only).

Until it has answered each kind of request once, a web process has not made its threads (the handler pool, a
lookup's connections to a remote store), filled what it keeps per store (the lists, labels, the compare route's
answers), compiled its templates, or drawn a view: the first readers wait for that, and the process's memory
grows by it under its first load (in the remote soak, each web process went from 330-342 to 360 MB in its first
100 s, then stayed there). So, at the end of its start-up and before it accepts a connection (health
included), it sends one request of each kind to itself through the app, in the process. A request that fails
is logged and skipped: a warm-up never stops the service. Over a remote store that does not answer at start,
there is no warm-up (api/app.py).
"""

from __future__ import annotations

import logging
import time

import httpx

log = logging.getLogger(__name__)

# One of each kind the service answers: REST (lists, compare, a lookup, search, customs), pages, a view. A code or word
# that a dataset does not hold still warms the route (its 404 is a whole answer).
PATHS = ("/api/jurisdictions", "/api/lists", "/api/compare", "/api/entries?code=3B001", "/api/search?q=gallium",
         "/api/customs/8112", "/", "/item/3B001", "/compare", "/views/regimes")
BUDGET_S = 60.0  # no new warm-up request after this long (7 s for all ten on the real data, 1.7 s at 5M quads)


async def warm_up(app: object, paths: tuple[str, ...] = PATHS, budget_s: float = BUDGET_S) -> dict[str, int]:
    """Each path once through `app` (an ASGI app whose lifespan is running): their statuses (0: it failed)."""
    started = time.monotonic()
    statuses: dict[str, int] = {}
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://warm-up", timeout=budget_s) as client:
        for path in paths:
            if time.monotonic() - started > budget_s:
                log.info("warm-up: %d of %d requests in %.1f s, the rest left", len(statuses), len(paths), budget_s)
                break
            accept = "application/json" if path.startswith("/api/") else "text/html"
            try:
                statuses[path] = (await client.get(path, headers={"Accept": accept})).status_code
            except Exception as exc:  # noqa: BLE001 - a warm-up request that fails is skipped, never fatal
                log.warning("warm-up: %s failed: %s", path, exc)
                statuses[path] = 0
    log.info("warm-up: %d requests in %.1f s (%s)", len(statuses), time.monotonic() - started,
             " ".join(f"{code}" for code in statuses.values()))
    return statuses
