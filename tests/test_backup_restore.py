"""Backup and restore: everything comes back, verified; a damaged backup changes nothing."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from config.storage import read_file
from inspections.evidence import evidence_name, evidence_storage
from inspections.models import Evidence, Finding, FindingAnswer, Submission
from inspections.sync import submit
from partners.backup import (
    DATA_NAME,
    MANIFEST_NAME,
    SEAL_NAME,
    installation_is_empty,
)
from partners.models import AuditEntry
from tests.cast import build_cast
from tests.field_fixtures import (
    build_field_day,
    jpeg_bytes,
    png_bytes,
    seed_field_checklists,
    version_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

SOCIAL_ANSWERS = {"workers_present": 5, "without_dimona": "yes", "without_dimona_count": 3}


def record_findings_with_photos(cast: Any) -> list[bytes]:
    """Two findings on one visit, three photos stored through the evidence path."""
    from inspections.evidence import store_photo

    seed_field_checklists()
    field = build_field_day(cast)
    photos = [jpeg_bytes("red"), jpeg_bytes("green"), png_bytes("blue")]
    shas = [hashlib.sha256(photo).hexdigest() for photo in photos]
    social = submit(
        user=cast.social_inspector,
        client_id=uuid.uuid4(),
        visit_code=field.visits[0].code,
        version_code=version_of("social-employment").code,
        answers=SOCIAL_ANSWERS | {"documents": shas},
        base_version=None,
        recorded_at=timezone.now(),
    )
    for sha, photo in zip(shas, photos, strict=True):
        store_photo(
            user=cast.social_inspector, submission=social.submission, sha256=sha, data=photo
        )
    submit(
        user=cast.police_inspector,
        client_id=uuid.uuid4(),
        visit_code=field.visits[1].code,
        version_code=version_of("police-identities").code,
        answers={"persons_present": 4, "identities_checked": 4, "irregular_stay": "no"},
        base_version=None,
        recorded_at=timezone.now(),
    )
    return photos


def state() -> dict[str, Any]:
    return {
        "users": sorted(User.objects.values_list("username", "password")),
        "findings": sorted(
            (str(f.code), json.dumps(f.answers, sort_keys=True), f.version, f.is_complete)
            for f in Finding.objects.all()
        ),
        "answers": FindingAnswer.objects.count(),
        "submissions": sorted(str(s.client_id) for s in Submission.objects.all()),
        "photos": sorted(Evidence.objects.values_list("sha256", "size")),
        "audit": AuditEntry.objects.count(),
    }


def wipe(media_root: Path) -> None:
    """An empty installation: the tables flushed, no files."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root, ignore_errors=True)


@pytest.fixture
def backed_up(tmp_path: Path, settings: Any) -> dict[str, Any]:
    cast = build_cast()
    photos = record_findings_with_photos(cast)
    before = state()
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "2 findings, 3 photos" in out.getvalue()
    wipe(Path(settings.MEDIA_ROOT))
    assert installation_is_empty()
    return {"archive": archive, "before": before, "photos": photos, "tmp": tmp_path}


def restore(path: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), stdout=out)
    return out.getvalue()


def assert_nothing_restored(media_root: Path) -> None:
    assert not User.objects.exists()
    assert not Finding.objects.exists()
    assert not list(media_root.rglob("*")) if media_root.exists() else True


def test_everything_comes_back_verified(backed_up: dict[str, Any], settings: Any) -> None:
    output = restore(backed_up["archive"])
    assert "3 photos verified" in output
    assert output.strip().endswith("verified")
    assert state() == backed_up["before"]
    for photo in backed_up["photos"]:
        sha = hashlib.sha256(photo).hexdigest()
        stored = read_file(evidence_storage(), evidence_name(sha))
        assert stored == photo
        assert hashlib.sha256(stored).hexdigest() == sha


def test_restore_keeps_keys_so_new_rows_do_not_collide(backed_up: dict[str, Any]) -> None:
    restore(backed_up["archive"])
    highest = Finding.objects.order_by("-pk").first()
    assert highest is not None
    assert AuditEntry.objects.create(username="x", action="read", object_type="t").pk


def test_restore_into_a_non_empty_installation_is_refused(backed_up: dict[str, Any]) -> None:
    restore(backed_up["archive"])
    with pytest.raises(CommandError, match="already holds data"):
        restore(backed_up["archive"])


def test_check_only_verifies(backed_up: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("restore", str(backed_up["archive"]), "--check", stdout=out)
    assert "Checked" in out.getvalue() and "3 photos verified" in out.getvalue()
    assert not User.objects.exists()


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isfile()
        }


def repack(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def flipped_byte(archive: Path, tmp: Path) -> Path:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    target = tmp / "flipped.tar.gz"
    target.write_bytes(bytes(data))
    return target


def flipped_byte_inside_a_photo(archive: Path, tmp: Path) -> Path:
    files = members(archive)
    name = next(n for n in files if n.startswith("media/evidence/"))
    photo = bytearray(files[name])
    photo[-3] ^= 0x01
    return repack(tmp / "photo.tar.gz", files | {name: bytes(photo)})


def missing_photo(archive: Path, tmp: Path) -> Path:
    files = members(archive)
    name = next(n for n in files if n.startswith("media/evidence/"))
    del files[name]
    return repack(tmp / "missing.tar.gz", files)


def truncated(archive: Path, tmp: Path) -> Path:
    target = tmp / "truncated.tar.gz"
    target.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    return target


def tampered_manifest(archive: Path, tmp: Path) -> Path:
    files = members(archive)
    manifest = json.loads(files[MANIFEST_NAME])
    manifest["counts"]["inspections.finding"] = 1
    return repack(tmp / "tampered.tar.gz", files | {MANIFEST_NAME: json.dumps(manifest).encode()})


def tampered_data_and_resealed_manifest(archive: Path, tmp: Path) -> Path:
    """A finding changed in the data, the manifest re-hashed for it, but not re-sealed."""
    files = members(archive)
    data = files[DATA_NAME].replace(b'"workers_present": 5', b'"workers_present": 9')
    assert data != files[DATA_NAME]
    manifest = json.loads(files[MANIFEST_NAME])
    manifest["files"][DATA_NAME] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    return repack(
        tmp / "resealed.tar.gz",
        files | {DATA_NAME: data, MANIFEST_NAME: json.dumps(manifest).encode()},
    )


def extra_file(archive: Path, tmp: Path) -> Path:
    return repack(tmp / "extra.tar.gz", members(archive) | {"media/evil.sh": b"rm -rf /"})


def gzip_of_garbage(archive: Path, tmp: Path) -> Path:
    target = tmp / "garbage.tar.gz"
    target.write_bytes(gzip.compress(b"not a tar archive at all"))
    return target


def no_seal(archive: Path, tmp: Path) -> Path:
    files = members(archive)
    del files[SEAL_NAME]
    return repack(tmp / "noseal.tar.gz", files)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (flipped_byte, "damaged or truncated"),
        (flipped_byte_inside_a_photo, "does not match the manifest"),
        (missing_photo, "missing"),
        (truncated, "damaged or truncated"),
        (tampered_manifest, "does not match its seal"),
        (tampered_data_and_resealed_manifest, "does not match its seal"),
        (extra_file, "not listed"),
        (gzip_of_garbage, "damaged or truncated"),
        (no_seal, "no manifest"),
    ],
)
def test_a_damaged_backup_is_refused_and_nothing_restored(
    backed_up: dict[str, Any], settings: Any, damage: Any, message: str
) -> None:
    broken = damage(backed_up["archive"], backed_up["tmp"])
    with pytest.raises(CommandError, match="nothing restored") as refused:
        restore(broken)
    assert message in str(refused.value)
    assert_nothing_restored(Path(settings.MEDIA_ROOT))


def test_a_signed_backup_needs_its_key(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_cast()
    monkeypatch.setenv("BACKUP_KEY", "k" * 32)
    archive = tmp_path / "signed.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    wipe(Path(settings.MEDIA_ROOT))
    monkeypatch.setenv("BACKUP_KEY", "another key")
    with pytest.raises(CommandError, match="seal"):
        restore(archive)
    monkeypatch.delenv("BACKUP_KEY")
    with pytest.raises(CommandError, match="set BACKUP_KEY"):
        restore(archive)
    monkeypatch.setenv("BACKUP_KEY", "k" * 32)
    assert "verified" in restore(archive)
    assert User.objects.filter(username="coordinator").exists()


def test_a_failure_while_loading_rolls_everything_back(
    backed_up: dict[str, Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partners import backup

    def broken_copy(*args: Any) -> list[Path]:
        raise OSError("disk full")

    monkeypatch.setattr(backup, "copy_media", broken_copy)
    with pytest.raises(CommandError, match="disk full"):
        restore(backed_up["archive"])
    assert_nothing_restored(Path(settings.MEDIA_ROOT))


def test_a_restore_that_differs_names_the_first_row() -> None:
    from partners.backup import canonical, first_difference

    kept = {"model": "partners.partner", "pk": 1, "fields": {"code": "police"}}
    changed = {"model": "gis.premises", "pk": 7, "fields": {"name": "Car wash"}}
    backed_up = canonical([kept, changed])
    assert first_difference(backed_up, backed_up) == ""
    restored = canonical([kept, changed | {"fields": {"name": "Car wash 2"}}])
    assert first_difference(restored, backed_up) == (
        "1 rows missing, 1 added, the first gis.premises 7"
    )
    assert first_difference(canonical([kept]), backed_up) == (
        "1 rows missing, the first gis.premises 7"
    )


def test_many_to_many_links_compare_in_any_order_and_other_lists_do_not() -> None:
    from partners.backup import canonical

    team = {"model": "inspections.team", "pk": 3, "fields": {"name": "A", "members": [7, 2, 5]}}
    relisted = team | {"fields": {"name": "A", "members": [2, 5, 7]}}
    assert canonical([team]) == canonical([relisted])
    other_members = team | {"fields": {"name": "A", "members": [2, 5]}}
    assert canonical([team]) != canonical([other_members])
    # The order of a JSON list is data (a photo answer's hashes, in the order taken).
    answer = {"model": "inspections.findinganswer", "pk": 1, "fields": {"value": ["b", "a"]}}
    reordered = answer | {"fields": {"value": ["a", "b"]}}
    assert canonical([answer]) != canonical([reordered])


def test_without_a_key_both_commands_say_the_manifest_is_only_a_checksum(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BACKUP_KEY", raising=False)
    build_cast()
    archive = tmp_path / "plain.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "checksum, not a seal" in out.getvalue()
    assert "Set BACKUP_KEY" in out.getvalue()
    assert members(archive)[SEAL_NAME].startswith(b"sha256:")
    wipe(Path(settings.MEDIA_ROOT))
    output = restore(archive)
    assert "made without BACKUP_KEY" in output and "not that nobody changed it" in output
    assert output.strip().endswith("verified")


def test_with_a_key_both_commands_say_the_manifest_is_sealed(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKUP_KEY", "k" * 32)
    build_cast()
    archive = tmp_path / "sealed.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "sealed with an HMAC" in out.getvalue()
    assert "checksum" not in out.getvalue()
    wipe(Path(settings.MEDIA_ROOT))
    assert "HMAC seal matches BACKUP_KEY" in restore(archive)


def test_the_files_every_app_stores_are_backed_up_and_come_back(
    tmp_path: Path, settings: Any
) -> None:
    """Each app registers where it stores files (inspections: photos and briefing packs,
    decisions: documents, gis: uploaded layers); each comes back where it was."""
    from django.core.files.base import ContentFile

    from partners.backup import FILE_AREAS

    build_cast()
    assert {"evidence", "briefings", "decisions", "imports"} <= set(FILE_AREAS)
    stored = {}
    for area in ("briefings", "decisions", "imports"):
        spec = FILE_AREAS[area]
        name = spec.folder + f"{uuid.uuid4().hex}/{area}-file.pdf"
        content = f"{area} {uuid.uuid4()}".encode()
        assert spec.store().save(name, ContentFile(content)) == name
        stored[area] = (spec, name, content)
    archive = tmp_path / "files.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    held = members(archive)
    for area, (spec, name, content) in stored.items():
        assert held[f"media/{area}/{name.removeprefix(spec.folder)}"] == content
    wipe(Path(settings.MEDIA_ROOT))
    restore(archive)
    for spec, name, content in stored.values():
        with spec.store().open(name, "rb") as stream:
            assert stream.read() == content


def test_a_backup_of_an_earlier_release_still_restores(
    backed_up: dict[str, Any], settings: Any
) -> None:
    """Release 1 held the rows as one JSON list in data.json."""
    from partners.backup import seal

    files = members(backed_up["archive"])
    rows = [json.loads(line) for line in files.pop(DATA_NAME).decode().splitlines() if line]
    data = json.dumps(rows, indent=1).encode()
    manifest = json.loads(files[MANIFEST_NAME])
    manifest["version"] = 1
    del manifest["files"][DATA_NAME]
    manifest["files"]["data.json"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    body = json.dumps(manifest).encode()
    old = repack(
        backed_up["tmp"] / "release1.tar.gz",
        files | {"data.json": data, MANIFEST_NAME: body, SEAL_NAME: seal(body).encode()},
    )
    output = restore(old)
    assert "3 photos verified" in output
    assert state() == backed_up["before"]
