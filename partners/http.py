"""Request typing and the answer to a refused request, shared by every app's views."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django_htmx.http import reswap
from django_htmx.middleware import HtmxDetails

# Marks the message in a refusal's answer; static/integra/integra.js looks for it.
REFUSAL_MARK = "data-refusal"


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (``request.htmx``)."""

    htmx: HtmxDetails


def refuse(
    request: HttpRequest, message: str, *, status: int = 400, redirect_to: str
) -> HttpResponse:
    """Answer a refused change: nothing was changed, and the user must read why.

    htmx swaps no 4xx answer, so an HTMX request gets the message alone with the
    refusal's status; the page's script shows it beside the form that sent the request
    and leaves that form, and what was typed in it, as it was. Any other request is sent
    back to ``redirect_to`` with the message."""
    if getattr(request, "htmx", False):
        body = format_html('<p class="message error" role="alert" {}>{}</p>', REFUSAL_MARK, message)
        return reswap(HttpResponse(body, status=status), "none")
    messages.error(request, message)
    return redirect(redirect_to)
