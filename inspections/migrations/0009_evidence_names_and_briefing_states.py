"""Existing photos get their name in the evidence storage (``ab/abcdef…``, where they
already are), and the briefing packs' state moves from each day's ``status.json`` beside
the packs into BriefingPack rows (the packs themselves stay where they are)."""

import json
from datetime import datetime

from django.core.files.storage import storages
from django.db import migrations


def name_photos(apps, schema_editor):
    Evidence = apps.get_model("inspections", "Evidence")
    for evidence in Evidence.objects.filter(file="").only("pk", "sha256").iterator():
        name = f"{evidence.sha256[:2]}/{evidence.sha256}"
        Evidence.objects.filter(pk=evidence.pk).update(file=name)


def moment(value):
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def read_states(apps, schema_editor):
    ActionDay = apps.get_model("inspections", "ActionDay")
    BriefingPack = apps.get_model("inspections", "BriefingPack")
    BriefingPackFile = apps.get_model("inspections", "BriefingPackFile")
    storage = storages["briefings"]
    for day in ActionDay.objects.only("pk", "code", "version").iterator():
        name = f"{day.code}/status.json"
        try:
            if not storage.exists(name):
                continue
            with storage.open(name, "rb") as handle:
                status = json.loads(handle.read())
        except (OSError, ValueError):
            continue
        state = status.get("state")
        pack = BriefingPack.objects.create(
            day=day,
            state=state if state in ("queued", "running", "done", "failed") else "failed",
            progress=int(status.get("done") or 0),
            total=int(status.get("total") or 0),
            error=str(status.get("error") or "")[:300],
            version=int(status.get("version") or 0),
            requested_by=str(status.get("requested_by") or "")[:150],
            requested_at=moment(status.get("requested_at")),
            generated_at=moment(status.get("finished_at")),
        )
        for key, entry in (status.get("files") or {}).items():
            file_name = f"{day.code}/{key}.pdf"
            if not storage.exists(file_name):
                continue
            BriefingPackFile.objects.create(
                pack=pack,
                key=key,
                name=str(entry.get("name") or key)[:200],
                file=file_name,
                size=int(entry.get("bytes") or 0),
                sha256=str(entry.get("sha256") or ""),
                version=int(entry.get("version") or status.get("version") or 0),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0008_files_in_storages"),
    ]

    operations = [
        migrations.RunPython(name_photos, migrations.RunPython.noop),
        migrations.RunPython(read_states, migrations.RunPython.noop),
    ]
