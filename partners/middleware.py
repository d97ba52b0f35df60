"""Middleware of the installation.

* The interface language: the user's explicit choice (the language switch's cookie),
  else the language of the municipality they work for, else Dutch. The browser's
  Accept-Language is deliberately ignored: a Flemish city's staff often run English
  browsers, and the city's own language is the sensible default.
* Compression of pages, not of files that are compressed already.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from partners.models import person_of

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = preferred_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


def preferred_language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in SUPPORTED:
        return chosen
    person = person_of(request.user) if hasattr(request, "user") else None
    if person is not None:
        municipality = person.municipalities.order_by("name").first()
        if municipality is not None and municipality.language in SUPPORTED:
            return municipality.language
    return settings.LANGUAGE_CODE


class PageCompressionMiddleware(GZipMiddleware):
    """Gzip for pages, fragments and JSON; files that are compressed already (PDF, zip,
    images, archives) go out as they are, keeping their Content-Length."""

    COMPRESSED_TYPES = ("application/pdf", "application/zip", "application/gzip", "image/")

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        if response.get("Content-Type", "").startswith(self.COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
