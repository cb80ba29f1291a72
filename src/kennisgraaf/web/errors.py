"""The HTTP answers to requests that cannot be answered as asked: one place for their status codes and words,
used by the SPARQL endpoint and the pages alike.

May import: the foundation (errors), web.protocol, web.state and web.caching.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..errors import QueryError, QueryTimeout
from .caching import NO_STORE
from .protocol import MediaType, ProtocolError
from .state import Busy, ServerState

__all__ = ["busy", "error_response", "internal_error", "not_acceptable", "not_acceptable_message", "refusal", "server_error",
           "timed_out"]

log = logging.getLogger("kennisgraaf.serve")


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text answer with this status: what went wrong and what to do. Never cached: a refusal (busy,
    too slow) may be answered otherwise a moment later."""
    return PlainTextResponse(message.rstrip() + "\n", status_code=status,
                             headers={"Cache-Control": NO_STORE, **(headers or {})})


def refusal(state: ServerState, error: ProtocolError | Busy | QueryError) -> Response:
    """The answer to a request that cannot be answered as asked."""
    if isinstance(error, ProtocolError):
        return error_response(error.status, error.message, error.headers)
    if isinstance(error, Busy):
        return busy(state)
    if isinstance(error, QueryTimeout):
        return timed_out(state)
    return error_response(400, error.en)


def timed_out(state: ServerState) -> Response:
    # Not the worker's message: that one tells how to allow more time on the command line.
    return error_response(503, f"The query ran longer than {state.timeout:g} s, the most this server allows, and "
                               f"was stopped. Make it more specific: a LIMIT, a filter, fewer OPTIONALs.")


def busy(state: ServerState) -> Response:
    return error_response(503, f"The server is running as many queries as it allows ({state.max_running}); try "
                               f"again in a moment.", {"Retry-After": "1"})


def not_acceptable(offered: tuple[MediaType, ...], fmt: str | None) -> Response:
    return error_response(406, not_acceptable_message(offered, fmt))


def not_acceptable_message(offered: tuple[MediaType, ...], fmt: str | None) -> str:
    types = ", ".join(m.media_type for m in offered)
    names = ", ".join(m.name for m in offered)
    what = f"format={fmt!r} is not one of {names}" if fmt else "None of the types in the Accept header can be given"
    return f"{what}. This answer is available as {types} (or format={names})."


def internal_error() -> Response:
    """The answer when answering failed: a bug, which has been logged."""
    return error_response(500, "Internal server error: this is a bug in kennisgraaf, and it has been logged.")


async def server_error(request: Request, exc: Exception) -> Response:
    """The app's handler of unexpected exceptions: logs the bug and answers 500."""
    log.error("Error while answering %s %s", request.method, request.url.path, exc_info=exc)
    return internal_error()
