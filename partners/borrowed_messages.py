"""Messages of Django's admin and of django-q2 that their own Dutch or French catalogues
do not translate: listed here so that ``makemessages`` keeps them in the project's
catalogues, which Django reads before its own. The first administrator sets up the city
in the admin, in the city's language."""

from __future__ import annotations

from django.utils.translation import gettext_noop

MESSAGES = (
    # django.contrib.admin 5.2 in Dutch: the application list's column headings (read
    # out by screen readers) and the note on the new user form.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    # django-q2 has no Dutch catalogue: its task lists in the admin's menu.
    gettext_noop("Task"),
    gettext_noop("Tasks"),
    gettext_noop("Successful task"),
    gettext_noop("Successful tasks"),
    gettext_noop("Failed task"),
    gettext_noop("Failed tasks"),
    gettext_noop("Scheduled task"),
    gettext_noop("Scheduled tasks"),
    gettext_noop("Queued task"),
    gettext_noop("Queued tasks"),
)
