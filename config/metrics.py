"""``/metrics`` for Prometheus, off unless ``METRICS_ENABLED=1``, and then only for the
scraper: a request from an address in ``METRICS_ALLOWED_IPS`` (addresses or networks,
as seen by the server: a proxy in front makes every request come from the proxy, so
behind one use the token) or carrying ``Authorization: Bearer <METRICS_TOKEN>``.

Off, the route answers 404 to everyone, as if it did not exist; on, anyone else gets
403. The figures (request count and latency by view, database queries and errors,
from django-prometheus) name views and HTTP methods, never a person or an object.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def from_allowed_address(request: HttpRequest) -> bool:
    allowed = getattr(settings, "METRICS_ALLOWED_IPS", [])
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(entry, strict=False) for entry in allowed)


def has_token(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given, token)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not getattr(settings, "METRICS_ENABLED", False):
        raise Http404
    if not (has_token(request) or from_allowed_address(request)):
        logger.warning("metrics refused: neither the token nor an allowed address")
        return HttpResponseForbidden("forbidden", content_type="text/plain")
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)


def check_configuration(*, enabled: bool, token: str, allowed: list[str]) -> None:
    """Called by the settings: metrics switched on with nobody allowed to read them is a
    mistake, and a malformed network would only be noticed at the first scrape."""
    if not enabled:
        return
    if not token and not allowed:
        raise ValueError(
            "METRICS_ENABLED=1 needs METRICS_TOKEN (a bearer token for the scraper) or "
            "METRICS_ALLOWED_IPS (the scraper's addresses), or both"
        )
    for entry in allowed:
        ipaddress.ip_network(entry, strict=False)  # raises ValueError with the entry


def instrumented_engine(engine: str) -> str:
    """django-prometheus's wrapper of the same database backend: it counts queries,
    errors and connections. A backend it does not wrap is kept as it is."""
    wrapped = {
        "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
        "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
    }
    return wrapped.get(engine, engine)


def instrumented_middleware(middleware: list[str]) -> list[str]:
    """django-prometheus's pair around ours: the first right after the request id (so
    the latency counts nearly everything), the second just before django-axes, which
    must stay last."""
    inner = [*middleware]
    inner.insert(1, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    last = (
        inner.index("axes.middleware.AxesMiddleware")
        if "axes.middleware.AxesMiddleware" in inner
        else len(inner)
    )
    inner.insert(last, "django_prometheus.middleware.PrometheusAfterMiddleware")
    return inner
