"""Login throttling: repeated failed logins lock the user name out from that address."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from tests.base import CastTestCase
from tests.cast import PASSWORD


class LoginThrottlingTests(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"

    def attempt(self, username: str, password: str, address: str = "10.0.0.1"):
        return self.client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )

    def fail_login(self, times: int, username: str = "coordinator", address: str = "10.0.0.1"):
        for _ in range(times):
            response = self.attempt(username, "wrong", address)
        return response

    def test_failures_below_the_limit_show_the_login_form_again(self) -> None:
        response = self.fail_login(settings.AXES_FAILURE_LIMIT - 1)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Log in to Integra")

    def test_reaching_the_limit_locks_out_with_a_clear_page(self) -> None:
        response = self.fail_login(settings.AXES_FAILURE_LIMIT)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many failed logins", status_code=429)
        self.assertContains(response, "Try again in 15 minutes", status_code=429)
        self.assertNotContains(response, "Traceback", status_code=429)

    def test_the_right_password_is_refused_while_locked_out(self) -> None:
        self.fail_login(settings.AXES_FAILURE_LIMIT)
        response = self.attempt("coordinator", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_lock_is_per_user_name_and_address(self) -> None:
        self.fail_login(settings.AXES_FAILURE_LIMIT)
        other_address = self.attempt("coordinator", PASSWORD, address="10.0.0.2")
        self.assertRedirects(other_address, reverse("home"), fetch_redirect_response=False)
        self.client.logout()
        other_user = self.attempt("mayor", PASSWORD)
        self.assertRedirects(other_user, reverse("home"), fetch_redirect_response=False)

    def test_a_successful_login_resets_the_count(self) -> None:
        self.fail_login(settings.AXES_FAILURE_LIMIT - 1)
        self.assertRedirects(
            self.attempt("coordinator", PASSWORD), reverse("home"), fetch_redirect_response=False
        )
        self.client.logout()
        self.assertEqual(self.fail_login(settings.AXES_FAILURE_LIMIT - 1).status_code, 200)

    def test_locked_out_page_is_translated(self) -> None:
        self.client.cookies["django_language"] = "nl"
        response = self.fail_login(settings.AXES_FAILURE_LIMIT)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, 'lang="nl"', status_code=429)

    def test_attempts_are_recorded_without_the_password(self) -> None:
        self.fail_login(2)
        attempt = AccessAttempt.objects.get(username="coordinator")
        self.assertEqual(attempt.failures_since_start, 2)
        self.assertNotIn("wrong", attempt.post_data)

    def test_test_client_login_needs_a_request(self) -> None:
        request = RequestFactory().post(reverse("login"))
        self.assertTrue(
            self.client.login(request=request, username="coordinator", password=PASSWORD)
        )
