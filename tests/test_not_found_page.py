"""A page that is not found (or not for the reader: another team's case) says so in the
reader's language, not in Django's English."""

from __future__ import annotations

from django.test import TestCase

from tests.cast import build_cast


class NotFoundPageTests(TestCase):
    def test_a_missing_page_speaks_the_readers_language(self) -> None:
        cast = build_cast()
        self.client.force_login(cast.clerk)
        for language, title in (("nl", "Pagina niet gevonden"), ("fr", "Page non trouvée")):
            with self.subTest(language=language):
                self.client.cookies["django_language"] = language
                response = self.client.get(
                    "/cases/00000000-0000-0000-0000-000000000000/", HTTP_ACCEPT_LANGUAGE=language
                )
                self.assertContains(response, title, status_code=404)
                self.assertNotContains(response, "was not found on this server", status_code=404)
