"""API-key authentication as ASGI middleware: a constant-time comparison, health and docs open.

Clients send the key as ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``. The key
is compared with :func:`hmac.compare_digest` and never logged, echoed or stored elsewhere.
"""

from __future__ import annotations

import hmac
import json

OPEN_PATHS = frozenset({"/healthz", "/livez", "/readyz", "/docs.json", "/", "/schema.json"})
"""Paths served without a key: probes for load balancers and the API documentation."""
OPEN_PREFIXES = ("/static_content/", "/assets/")

_UNAUTHORIZED = json.dumps(
    {
        "error": "missing or wrong API key; send it as 'X-API-Key: <key>' or "
        "'Authorization: Bearer <key>'",
        "field": "X-API-Key",
    }
).encode()


class ApiKeyAuth:
    """Answers 401 to every request outside :data:`OPEN_PATHS` that lacks the right key."""

    def __init__(self, app, key: str | None) -> None:
        self.app = app
        self._key = key.encode() if key else None

    async def __call__(self, scope, receive, send) -> None:
        if (
            self._key is None
            or scope["type"] != "http"
            or scope["path"] in OPEN_PATHS
            or scope["path"].startswith(OPEN_PREFIXES)
            or self._authorized(scope)
        ):
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(_UNAUTHORIZED)).encode()),
                    (b"www-authenticate", b'Bearer realm="churn-scorecard"'),
                ],
            }
        )
        await send({"type": "http.response.body", "body": _UNAUTHORIZED})

    def _authorized(self, scope) -> bool:
        sent = b""
        for name, value in scope["headers"]:
            if name == b"x-api-key":
                sent = value
            elif name == b"authorization" and value[:7].lower() == b"bearer ":
                sent = value[7:]
        return hmac.compare_digest(sent, self._key)
