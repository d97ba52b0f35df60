"""Workflows of the subject register: companies, persons, vehicles and premises, their
registered offices and the links between them. Each is one transaction that validates,
refuses with a message in the user's language (``ValidationError``, nothing saved) and
writes its audit row. Views, the desk signals, the case file and the demo all call these.

What is audited never carries a person's data (birth date, nationality, address): the
row names the subject by its code and its name, which is what the reader already saw.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import Link, RegisteredOffice, Subject
from gis.identifiers import normalise_enterprise_number
from gis.models import Premises
from partners import audit
from partners.models import AuditEntry, Municipality

KVK_NUMBER = re.compile(r"^[0-9]{8}$")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


class DuplicateSubject(ValidationError):
    """The register already holds this company (or person): ``existing`` is the one to
    use instead."""

    def __init__(self, message: str, existing: Subject) -> None:
        super().__init__(message, code="duplicate")
        self.existing = existing


def normalise_kvk_number(value: str) -> str:
    digits = re.sub(r"[\s.]", "", value)
    if not KVK_NUMBER.match(digits):
        raise ValidationError(
            _("“%(value)s” is not a KvK number: it needs 8 digits.") % {"value": value},
            code="kvk_number",
        )
    return digits


def normalise_country(value: str, *, what: str) -> str:
    code = value.strip().upper()
    if code and not COUNTRY_CODE.match(code):
        raise ValidationError(
            _("%(what)s is a two-letter country code, e.g. BE or NL.") % {"what": what},
            code="country",
        )
    return code


def _company_fields(
    municipality: Municipality, enterprise_number: str, kvk_number: str
) -> dict[str, str]:
    """The company's numbers normalised, or a refusal naming the company that already
    holds one of them in this city's register (one company is one node of the network)."""
    numbers: dict[str, str] = {"enterprise_number": "", "kvk_number": ""}
    if enterprise_number.strip():
        try:
            numbers["enterprise_number"] = normalise_enterprise_number(enterprise_number)
        except ValueError as error:
            raise ValidationError(str(error), code="enterprise_number") from error
    if kvk_number.strip():
        numbers["kvk_number"] = normalise_kvk_number(kvk_number)
    for field, number in numbers.items():
        if not number:
            continue
        existing = Subject.objects.filter(municipality=municipality, **{field: number}).first()
        if existing is not None:
            raise DuplicateSubject(
                _("%(number)s is already in the register: it is %(name)s.")
                % {"number": number, "name": existing.name},
                existing,
            )
    return numbers


def same_person(municipality: Municipality, name: str, birth_date: date | None) -> Subject | None:
    """The person of the city's register with this name (whatever its case and spacing)
    and this birth date: one person is one node of the network. Without a birth date a
    name alone does not tell two people apart, so nothing is matched."""
    name = " ".join(name.split())
    if birth_date is None or not name:
        return None
    return (
        Subject.objects.persons()
        .filter(municipality=municipality, name__iexact=name, birth_date=birth_date)
        .order_by("created_at", "pk")
        .first()
    )


def _not_for_kind(kind: str, fields: dict[str, Any]) -> None:
    """A person holds only name, birth date, nationality and address; a vehicle only its
    plate; a company only what a company register holds. Anything else is refused, not
    silently dropped, so that nobody believes it was kept."""
    allowed = {
        Subject.Kind.COMPANY: {
            "enterprise_number",
            "kvk_number",
            "legal_form",
            "bankrupt_on",
            "registered_office",
            "office_from",
            "address",
        },
        Subject.Kind.PERSON: {"birth_date", "nationality", "address"},
        Subject.Kind.VEHICLE: {"plate", "plate_country"},
    }[Subject.Kind(kind)]
    extra = sorted(name for name, value in fields.items() if value and name not in allowed)
    if extra:
        raise ValidationError(
            _("A %(kind)s does not hold: %(fields)s.")
            % {"kind": Subject.Kind(kind).label, "fields": ", ".join(extra)},
            code="not_for_kind",
        )


@transaction.atomic
def add_subject(
    *,
    municipality: Municipality,
    user: Any,
    kind: str,
    name: str,
    enterprise_number: str = "",
    kvk_number: str = "",
    legal_form: str = "",
    bankrupt_on: date | None = None,
    registered_office: str = "",
    office_from: date | None = None,
    birth_date: date | None = None,
    nationality: str = "",
    address: str = "",
    plate: str = "",
    plate_country: str = "",
) -> Subject:
    """Add a company, person or vehicle to the city's register (premises come from the
    premises register through :func:`subject_for_premises`).

    A company's enterprise number must pass mod 97 and its KvK number have 8 digits;
    a number already in the register is refused with :class:`DuplicateSubject` naming
    the existing company, and so is a person of the same name and birth date
    (:func:`same_person`). A company given a registered office starts its office history
    there (from ``office_from``, else today)."""
    if kind not in (Subject.Kind.COMPANY, Subject.Kind.PERSON, Subject.Kind.VEHICLE):
        raise ValidationError(
            _("A premises enters the case register from the premises register."), code="kind"
        )
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("A subject needs a name."), code="name")
    _not_for_kind(
        kind,
        {
            "enterprise_number": enterprise_number,
            "kvk_number": kvk_number,
            "legal_form": legal_form,
            "bankrupt_on": bankrupt_on,
            "registered_office": registered_office,
            "office_from": office_from,
            "birth_date": birth_date,
            "nationality": nationality,
            "address": address,
            "plate": plate,
            "plate_country": plate_country,
        },
    )
    fields: dict[str, Any] = {}
    today = timezone.localdate()
    if kind == Subject.Kind.COMPANY:
        fields.update(_company_fields(municipality, enterprise_number, kvk_number))
        fields.update(legal_form=legal_form.strip(), bankrupt_on=bankrupt_on)
        # ``address`` is accepted for a company as its registered office.
        fields["address"] = (registered_office or address).strip()
    elif kind == Subject.Kind.PERSON:
        if birth_date is not None and birth_date > today:
            raise ValidationError(_("A birth date cannot be in the future."), code="birth_date")
        existing = same_person(municipality, name, birth_date)
        if existing is not None and birth_date is not None:
            raise DuplicateSubject(
                _("%(name)s, born on %(date)s, is already in the register.")
                % {"name": existing.name, "date": date_format(birth_date, "SHORT_DATE_FORMAT")},
                existing,
            )
        fields.update(
            birth_date=birth_date,
            nationality=normalise_country(nationality, what=_("Nationality")),
            address=address.strip(),
        )
    else:
        plate = re.sub(r"[\s\-.]", "", plate).upper()
        if not plate:
            raise ValidationError(_("A vehicle needs its number plate."), code="plate")
        fields.update(
            plate=plate,
            plate_country=normalise_country(plate_country, what=_("The country of registration")),
        )
    subject = Subject.objects.create(
        municipality=municipality, kind=kind, name=name, created_by=user, **fields
    )
    if kind == Subject.Kind.COMPANY and fields["address"]:
        RegisteredOffice.objects.create(
            company=subject, address=fields["address"], valid_from=office_from or today
        )
    audit.record(user, AuditEntry.Action.CREATE, subject, kind=kind)
    return subject


@transaction.atomic
def subject_for_premises(*, premises: Premises, user: Any) -> Subject:
    """The premises' subject in the case register, made the first time it is needed.
    Its name is the register's: the premises' name, else its address."""
    subject, created = Subject.objects.get_or_create(
        premises=premises,
        defaults={
            "municipality": premises.municipality,
            "kind": Subject.Kind.PREMISES,
            "name": (premises.name or premises.address or str(premises.code))[:200],
            "address": premises.address,
            "created_by": user,
        },
    )
    if created:
        audit.record(user, AuditEntry.Action.CREATE, subject, kind=Subject.Kind.PREMISES)
    return subject


@transaction.atomic
def move_registered_office(
    *, company: Subject, address: str, on: date, user: Any
) -> RegisteredOffice:
    """The company's registered office moves to ``address`` on ``on``: the current office
    ends the day before and the history keeps it, so eight moves in eight years show."""
    company = Subject.objects.select_for_update().get(pk=company.pk)
    if company.kind != Subject.Kind.COMPANY:
        raise ValidationError(_("Only a company has a registered office."), code="kind")
    address = " ".join(address.split())
    if not address:
        raise ValidationError(_("The new registered office needs an address."), code="address")
    current = company.offices.order_by("-valid_from").first()
    if current is not None:
        if current.address == address and current.valid_to is None:
            raise ValidationError(
                _("The registered office is already at %(address)s.") % {"address": address},
                code="same_address",
            )
        if on <= current.valid_from:
            raise ValidationError(
                _("The move must come after %(date)s, when the office at %(address)s opened.")
                % {"date": current.valid_from.isoformat(), "address": current.address},
                code="move_order",
            )
        if current.valid_to is None or current.valid_to >= on:
            current.valid_to = on - timedelta(days=1)
            current.save(update_fields=["valid_to"])
    office = RegisteredOffice.objects.create(company=company, address=address, valid_from=on)
    company.address = address
    company.save(update_fields=["address"])
    audit.record(user, AuditEntry.Action.CHANGE, company, registered_office_from=on.isoformat())
    return office


def _overlaps(start: date | None, end: date | None) -> Q:
    """Links whose period shares at least one day with [start, end] (open ends unbounded)."""
    condition = Q()
    if end is not None:
        condition &= Q(valid_from__isnull=True) | Q(valid_from__lte=end)
    if start is not None:
        condition &= Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    return condition


@transaction.atomic
def link(
    *,
    source: Subject,
    target: Subject,
    role: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
    note: str = "",
    user: Any,
) -> Link:
    """``source`` is ``role`` of ``target`` from ``valid_from`` until ``valid_to`` (either
    may be unknown). Refused: a link of a subject to itself, across two cities' registers,
    an end before its start, and the same pair with the same role for a period that
    overlaps one already recorded ("linked twice")."""
    if role not in Link.Role.values:
        raise ValidationError(_("Choose the role of the link."), code="role")
    if source.pk == target.pk:
        raise ValidationError(_("A subject cannot be linked to itself."), code="self")
    if source.municipality_id != target.municipality_id:
        raise ValidationError(
            _("%(source)s and %(target)s are in different municipalities' registers.")
            % {"source": source.name, "target": target.name},
            code="municipality",
        )
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise ValidationError(
            _("The link ends (%(end)s) before it starts (%(start)s).")
            % {"end": valid_to.isoformat(), "start": valid_from.isoformat()},
            code="period",
        )
    # Lock both subjects (in one order) so two people adding the same link at once
    # cannot both pass the check below.
    list(Subject.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk"))
    pair = Q(source=source, target=target) | Q(source=target, target=source)
    twice = Link.objects.filter(pair, role=role).filter(_overlaps(valid_from, valid_to)).first()
    if twice is not None:
        raise ValidationError(
            _("%(source)s and %(target)s are already linked as %(role)s for that period.")
            % {"source": source.name, "target": target.name, "role": twice.get_role_display()},
            code="twice",
        )
    created = Link.objects.create(
        municipality_id=source.municipality_id,
        source=source,
        target=target,
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note.strip(),
        created_by=user,
    )
    audit.record(user, AuditEntry.Action.CREATE, created, role=role)
    return created


@transaction.atomic
def end_link(*, link: Link, on: date, user: Any) -> Link:
    """The link holds until ``on`` (included). An end before its start, or a link that
    already ended earlier, is refused."""
    link = Link.objects.select_for_update().select_related("source", "target").get(pk=link.pk)
    if link.valid_from is not None and on < link.valid_from:
        raise ValidationError(
            _("The link ends (%(end)s) before it starts (%(start)s).")
            % {"end": on.isoformat(), "start": link.valid_from.isoformat()},
            code="period",
        )
    if link.valid_to is not None and link.valid_to < on:
        raise ValidationError(
            _("This link already ended on %(date)s.") % {"date": link.valid_to.isoformat()},
            code="ended",
        )
    link.valid_to = on
    link.save(update_fields=["valid_to"])
    audit.record(user, AuditEntry.Action.CHANGE, link, ended_on=on.isoformat())
    return link
