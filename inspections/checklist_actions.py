"""Checklist catalogue workflows: adapting a shared checklist into a copy of one's own.

A city (or a partner) never changes a shared checklist, which every other city's
inspectors fill in: it gets its own copy, edits and publishes that, and from then on its
visits use the copy while every other city keeps the shared one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from inspections.models import ChecklistTemplate, ChecklistVersion
from partners import audit
from partners.models import AuditEntry, Municipality, Partner


def owner_of(value: str) -> tuple[Municipality | None, Partner | None]:
    """The city or partner an owner value of :func:`inspections.access.checklist_owners`
    names; (None, None) for a shared checklist."""
    kind, _sep, code = value.partition(":")
    if kind == "city":
        return Municipality.objects.get(code=code), None
    if kind == "partner":
        return None, Partner.objects.get(code=code)
    return None, None


def copy_slug(slug: str, suffix: str) -> str:
    """A free short code for a copy: the original's with the owner's code after it."""
    base = f"{slug[: 59 - len(suffix)]}-{suffix}"[:60]
    slug, number = base, 1
    while ChecklistTemplate.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base[: 60 - len(str(number)) - 1]}-{number}"
    return slug


@transaction.atomic
def adapt_checklist(
    *,
    template: ChecklistTemplate,
    user: Any,
    municipality: Municipality | None = None,
    partner: Partner | None = None,
) -> ChecklistVersion:
    """The draft of the owner's copy of a shared checklist, made on first use from the
    shared one's current version. Adapting again leads to the copy's latest version."""
    copy = copy_of(template, municipality=municipality, partner=partner)
    return copy.latest_version() or _first_draft(copy, template, user)


def copy_of(
    template: ChecklistTemplate, *, municipality: Municipality | None, partner: Partner | None
) -> ChecklistTemplate:
    """The owner's copy of a shared checklist, created (without a version) when missing."""
    copy = ChecklistTemplate.objects.filter(
        adapted_from=template, municipality=municipality, owner_partner=partner
    ).first()
    if copy is not None:
        return copy
    suffix = municipality.code.lower() if municipality else partner.slug if partner else "copy"
    copy = ChecklistTemplate.objects.create(
        slug=copy_slug(template.slug, suffix),
        competency=template.competency,
        title_nl=template.title_nl,
        title_fr=template.title_fr,
        title_en=template.title_en,
        municipality=municipality,
        owner_partner=partner,
        adapted_from=template,
    )
    copy.sectors.set(template.sectors.all())
    return copy


def _first_draft(
    copy: ChecklistTemplate, template: ChecklistTemplate, user: Any
) -> ChecklistVersion:
    source = template.current_version() or template.latest_version()
    draft = ChecklistVersion.objects.create(
        template=copy,
        number=1,
        definition=source.definition if source else {"questions": []},
        created_by=user if user.is_authenticated else None,
    )
    audit.record(
        user,
        AuditEntry.Action.CREATE,
        draft,
        adapted_from=template.slug,
        owner=copy.owner_name,
    )
    return draft
