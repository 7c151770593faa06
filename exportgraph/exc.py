"""The one family of errors. Each carries the HTTP status the service answers with and the
exit code of the command line (the table is in README.md, "Exit codes"; `cli/main.py` adds 64 for a bad
command line, 70 for an internal error and 130 for an interrupt)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_USAGE = 64  # sysexits EX_USAGE: argparse's own 2 would collide with DataError
EXIT_INTERNAL = 70  # sysexits EX_SOFTWARE
EXIT_INTERRUPTED = 130


class ExportGraphError(Exception):
    """Base of every error exportgraph raises on purpose."""

    status = 500
    exit_code = 1
    retry_after: int | None = None  # seconds, sent as Retry-After with 429 and 503

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InternalError(ExportGraphError):
    """A failure of ours, logged with its traceback on the server; the client gets only this."""


class DataError(ExportGraphError):
    """A data file or record is malformed: names the file and the record."""

    status = 422
    exit_code = 2

    def __init__(self, message: str, path: str = "", record: str = "") -> None:
        where = ":".join(p for p in (path, record) if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.record = record


class ModelError(ExportGraphError):
    """The ontology model itself is inconsistent."""

    exit_code = 2


class ValidationFailed(ExportGraphError):
    """The SHACL shapes do not conform."""

    status = 422
    exit_code = 3


class BuildMissing(ExportGraphError):
    """No built dataset where one was expected."""

    status = 503
    exit_code = 4


class BadRequest(ExportGraphError):
    """The client sent something we cannot answer (unknown code, bad date, bad parameter)."""

    status = 400


class NotFound(ExportGraphError):
    """The thing asked for does not exist."""

    status = 404


class QueryRefused(BadRequest):
    """A SPARQL query is refused before evaluation (update, SERVICE, FROM, too deep)."""


class QueryTooLarge(ExportGraphError):
    status = 413


class UriTooLong(ExportGraphError):
    status = 414


class TooManyRequests(ExportGraphError):
    status = 429
    retry_after = 1


class Overloaded(ExportGraphError):
    """A class of routes is at its limit and the request waited longer than the bounded wait: 429 with
    Retry-After, as a SPARQL query refused for the same reason (TooManyRequests). 503 is kept for a store that
    cannot answer, so that a client (or a load balancer) can tell "slow down" from "the service is down"."""

    status = 429
    retry_after = 2


class QueryTooSlow(ExportGraphError):
    """A query ran past query_timeout_s and was stopped: a limit on the request, as its length is (413) or its
    nesting (400); the same text over the same read-only data would run as long again. 422: the query is
    well formed, this service will not evaluate it to the end."""

    status = 422
    exit_code = 5


class StoreUnavailable(ExportGraphError):
    """A remote store is down or failed."""

    status = 502
    exit_code = 5


class StoreTimeout(StoreUnavailable):
    """The remote store did not answer within remote_timeout_s: it is down or hung, for this request."""

    status = 503
    retry_after = 5


class StoreIncomplete(ExportGraphError):
    """The remote store is marked incomplete: a load is in progress or failed (the service answers 503; a
    `load --into` that fails after it marked the store exits with this code, saying how far it got)."""

    status = 503
    exit_code = 8
    retry_after = 10


class BuildWriteFailed(ExportGraphError):
    """The build directory cannot be written (disk full, read-only, no permission): names the path."""

    exit_code = 6


class ServeFailed(ExportGraphError):
    """`serve` cannot listen (the port is taken, the address is not ours) or could not start."""

    exit_code = 7
