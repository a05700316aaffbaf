"""Errors of the service: each becomes an HTTP status and a JSON body naming the field at fault."""

from __future__ import annotations

from starlette.responses import JSONResponse

from churn_scorecard.errors import ChurnError


class ServiceConfigError(ChurnError):
    """The service cannot start: a setting, the model or the data source is wrong."""


class RequestError(ChurnError):
    """A request the service cannot answer; ``status`` is its HTTP status, ``field`` what is wrong."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def response(self) -> JSONResponse:
        """The JSON error body: ``error`` (one sentence) and ``field`` (where, if known)."""
        body = {"error": str(self), "field": self.field}
        return JSONResponse(body, status_code=self.status)


class InvalidRequest(RequestError):
    """The request is well-formed JSON but its values cannot be scored (e.g. too many records)."""


class UnknownAccount(RequestError):
    """An account id is not in the data source or the history store."""

    status = 404


class NotConfigured(RequestError):
    """The endpoint needs something this service was started without (a data source, a history store)."""

    status = 404


class NothingToAudit(RequestError):
    """The audit has nothing to judge: no stored scores, no decided renewals, or none scored before."""

    status = 404


def field_path(loc: list | tuple) -> str:
    """A pydantic error location as a field path: ``("records", 0, "x")`` -> ``records[0].x``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def describe_problems(detail: list[dict]) -> tuple[str, str | None, list[dict]]:
    """One message, the first field at fault and one ``{field, message}`` per pydantic problem."""
    problems = []
    for item in detail:
        field = field_path(item.get("loc", ())) or "(request body)"
        message = item.get("msg", "invalid value")
        if item.get("type") == "extra_forbidden":
            message = "unknown field; see the request schema at /docs.json for the accepted fields"
        elif item.get("type") == "missing":
            message = "required field is missing (send null for an unknown value)"
        problems.append({"field": field, "message": message})
    text = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    if len(problems) > 5:
        text += f"; and {len(problems) - 5} more problem(s)"
    return text, problems[0]["field"] if problems else None, problems


class ValidationErrorBody:
    """ASGI middleware: BentoML's 400 validation answers rewritten as ``{error, field, problems}``.

    BentoML answers a request that fails its pydantic schema with ``{"error": "1 validation
    error for ...IODescriptor", "detail": [...]}``; clients get one sentence naming each
    field instead, with the same ``error`` + ``field`` shape as every other error here.
    Only 400 responses are buffered; all others stream through untouched.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: dict = {}

        async def send_rewritten(message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 400:
                held["start"], held["body"] = message, b""
                return
            if "start" not in held:
                await send(message)
                return
            held["body"] += message.get("body", b"")
            if message.get("more_body"):
                return
            body = _rewritten(held["body"])
            headers = [
                (k, v) for k, v in held["start"]["headers"] if k.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**held["start"], "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_rewritten)


def _rewritten(body: bytes) -> bytes:
    import json

    try:
        payload = json.loads(body)
    except ValueError:
        return body
    if not (isinstance(payload, dict) and isinstance(payload.get("detail"), list)):
        return body
    text, field, problems = describe_problems(payload["detail"])
    return json.dumps({"error": text, "field": field, "problems": problems}).encode()


def answer(endpoint, request):
    """``endpoint(request)``, or the JSON error response of a :class:`RequestError` it raises.

    Scoring errors about the rows sent (a non-numeric value the model cannot read) are
    the client's too and become 400s; anything else is a bug and stays a 500.
    """
    from serving.scoring.errors import ScoringError
    from training.errors import ArtifactError

    try:
        return endpoint(request)
    except RequestError as error:
        return error.response()
    except (ScoringError, ArtifactError) as error:
        return InvalidRequest(str(error)).response()


class UnsupportedMediaType(RequestError):
    """The request body is not JSON."""

    status = 415


class JsonBodiesOnly:
    """ASGI middleware: a POST whose body is not ``application/json`` gets 415, naming the header.

    BentoML would otherwise try other decoders (multipart, pickle) on bodies this API never
    accepts, and fail with a 500.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            kind = dict(scope["headers"]).get(b"content-type", b"application/json")
            if kind.split(b";")[0].strip().lower() != b"application/json":
                error = UnsupportedMediaType(
                    f"Content-Type {kind.decode(errors='replace')!r} is not accepted; send the "
                    "body as JSON with 'Content-Type: application/json'",
                    "Content-Type",
                )
                await error.response()(scope, receive, send)
                return
        await self.app(scope, receive, send)
