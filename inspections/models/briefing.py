"""The briefing packs of an action day: the state of their generation, which the page
polls, and the PDFs themselves in the "briefings" storage (see inspections/briefing.py).

Kept in the database rather than beside the files, so every web node and worker reads
the same state whatever storage holds the PDFs.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from config.storage import briefings_storage
from inspections.models.planning import ActionDay


class BriefingPack(models.Model):
    """One per action day: the last generation's state and progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    day = models.OneToOneField(ActionDay, on_delete=models.CASCADE, related_name="briefing_pack")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    # The plan version (ActionDay.version) the generation was started for.
    version = models.PositiveIntegerField(default=0)
    requested_by = models.CharField(max_length=150, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("briefing pack")
        verbose_name_plural = _("briefing packs")

    def __str__(self) -> str:
        return str(self.day)


class BriefingPackFile(models.Model):
    """One stored PDF: the coordinator's pack or one team's, with the plan version it
    shows. Until a new generation ends, the previous files stay downloadable."""

    pack = models.ForeignKey(BriefingPack, on_delete=models.CASCADE, related_name="files")
    key = models.CharField(max_length=120)
    name = models.CharField(max_length=200)
    file = models.FileField(storage=briefings_storage, max_length=300)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pack", "key"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "key"], name="one_briefing_file_per_key"),
        ]

    def __str__(self) -> str:
        return self.key
