"""Logging in, the home page, languages and municipality scoping of the basics."""

from __future__ import annotations

from django.urls import reverse

from partners.models import Person
from tests.base import CastTestCase
from tests.cast import PASSWORD


class LoginTests(CastTestCase):
    def test_wrong_password_gets_a_clear_message_and_no_session(self) -> None:
        response = self.client.post(
            reverse("login"), {"username": "coordinator", "password": "wrong"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "gebruikersnaam en wachtwoord")  # Dutch by default
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_login_leads_to_home_in_dutch(self) -> None:
        response = self.client.post(
            reverse("login"), {"username": "coordinator", "password": PASSWORD}, follow=True
        )
        self.assertRedirects(response, reverse("home"))
        self.assertContains(response, '<html lang="nl">')
        self.assertContains(response, "Welkom")
        self.assertContains(response, "Halle")

    def test_home_requires_login(self) -> None:
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, f"{reverse('login')}?next=/")

    def test_logout_needs_post_and_ends_the_session(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.post(reverse("logout"))
        self.assertNotIn("_auth_user_id", self.client.session)


class HomeTests(CastTestCase):
    def test_coordinator_sees_competency_tile(self) -> None:
        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(reverse("home")), reverse("competency-matrix"))

    def test_clerk_does_not_see_competency_tile(self) -> None:
        self.client.force_login(self.clerk)
        self.assertNotContains(self.client.get(reverse("home")), reverse("competency-matrix"))

    def test_outsider_home_names_only_own_city(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "Malmedy")
        self.assertNotContains(response, "Halle")

    def test_user_without_person_is_told_to_ask_an_administrator(self) -> None:
        from django.contrib.auth.models import User

        loner = User.objects.create_user("loner", password=PASSWORD)
        self.client.force_login(loner)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "beheerder")
        self.assertFalse(Person.objects.filter(user=loner).exists())


class LanguageTests(CastTestCase):
    def test_municipality_language_is_the_default_not_the_browser(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en")
        self.assertContains(response, "Welkom")
        self.client.force_login(self.outsider)  # Malmedy speaks French
        response = self.client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en")
        self.assertContains(response, "Bienvenue")
        self.assertEqual(response["Content-Language"], "fr")

    def test_anonymous_pages_are_in_dutch(self) -> None:
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(response, '<html lang="nl">')

    def test_language_switch_to_french_and_english(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.post(reverse("set_language"), {"language": "fr", "next": "/"})
        self.assertContains(self.client.get(reverse("home")), "Bienvenue")
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        self.assertContains(self.client.get(reverse("home")), "Welcome")

    def test_interface_strings_are_translated_in_every_language(self) -> None:
        self.client.force_login(self.coordinator)
        expected = {"nl": "Partners", "fr": "Partenaires", "en": "Partners"}
        tile = {"nl": "Deelprotocollen", "fr": "Protocoles", "en": "Sharing protocols"}
        for language, word in expected.items():
            self.client.post(reverse("set_language"), {"language": language, "next": "/"})
            response = self.client.get(reverse("home"))
            self.assertContains(response, word)
            self.assertContains(response, tile[language])
