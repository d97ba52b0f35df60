"""Page rendering against the floor of a no-op page answered by the same stack."""

from __future__ import annotations

import functools
import io

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from bench.harness import best_of, count_queries, report


def run() -> None:
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="coordinator"))

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    floor = best_of(lambda: get("/healthz"), repeat=20)
    for name, url in [
        ("home", "/"),
        ("competency_matrix", "/partners/competencies/"),
        ("partner_list", "/partners/"),
    ]:
        page = functools.partial(get, url)
        queries = count_queries(page)
        ours = best_of(page, repeat=20)
        report(
            f"page_{name}",
            ours=ours,
            floor=floor,
            queries=queries,
            bytes=len(client.get(url).content),
        )
