"""The one family of errors. Each carries the HTTP status the service answers with."""

from __future__ import annotations


class ExportGraphError(Exception):
    """Base of every error exportgraph raises on purpose."""

    status = 500
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


class QueryTimeout(ExportGraphError):
    status = 504


class StoreUnavailable(ExportGraphError):
    """A remote store is down or failed."""

    status = 502
    exit_code = 5
