"""The one way to write the audit log.

Every later read, creation, change or export of a finding, report, decision or other
sensitive object calls :func:`record`; nothing else writes :class:`AuditEntry`.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from partners.models import AuditEntry, Municipality


def record(
    user: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_code: str = "",
    municipality: Municipality | None = None,
    **detail: Any,
) -> AuditEntry:
    """Append one audit row: ``user`` did ``action`` (an ``AuditEntry.Action``) to ``obj``.

    The object's public ``code`` is preferred over its integer key, so entries can be
    matched to URLs. When ``obj`` belongs to a municipality it is taken from there.
    """
    if action not in AuditEntry.Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_code = object_code or str(getattr(obj, "code", None) or obj.pk)
        municipality = municipality or getattr(obj, "municipality", None)
    authenticated = user is not None and user.is_authenticated
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "anonymous",
        action=action,
        object_type=object_type,
        object_code=object_code,
        object_repr=str(obj)[:200] if obj is not None else "",
        municipality=municipality,
        detail=detail,
    )
