"""The service's parts: settings, request/response schemas, auth, model reload, errors, state.

``serving/service.py`` wires them into the BentoML service; :func:`start_server` runs
``churn serve`` in a child process (tests, benchmarks, the demo). See docs/service.md.
"""

from serving.api.errors import RequestError, ServiceConfigError
from serving.api.run import RunningServer, example_curl, start_server, wait_ready
from serving.api.settings import ServiceSettings

__all__ = [
    "RequestError",
    "RunningServer",
    "ServiceConfigError",
    "ServiceSettings",
    "example_curl",
    "start_server",
    "wait_ready",
]
