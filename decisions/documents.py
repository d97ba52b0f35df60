"""Generating official documents in a django-q2 worker, with progress.

Rules: a document row is created in the request's transaction and queued once it
commits; the worker renders it, writes the file whole to the "documents" storage (see
config.storage.write_file), then records its name, size and SHA-256. Running the task
again for a finished document changes nothing; a failure records its reason and leaves no
file behind.

A downloaded document is named in its own language after what it is and the number a
person cites it by (``gezamenlijk-pv-23027-2026-0003-v1.pdf``,
``arrete-23027-2026-0001-v1.pdf``); a hearing's invitation and minutes, made before
the decision has its number, carry the joint report's.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from config.storage import documents_storage, read_file, write_file
from decisions import rendering
from decisions.facts import ReportRefused
from decisions.models import Decision, Document, JointReport

TEMPLATES: dict[str, str] = {
    Document.Kind.DECISION: "decisions/decision_pdf.html",
    Document.Kind.INVITATION: "decisions/invitation_pdf.html",
    Document.Kind.MINUTES: "decisions/minutes_pdf.html",
}


# What each kind of document is called in a file name, per document language. Fixed
# words rather than translated messages: a saved file's name must not change with the
# wording of the interface.
FILE_NAMES: dict[str, dict[str, str]] = {
    Document.Kind.JOINT_REPORT: {"nl": "gezamenlijk-pv", "fr": "pv-commun", "en": "joint-report"},
    Document.Kind.DECISION: {"nl": "besluit", "fr": "arrete", "en": "decision"},
    Document.Kind.INVITATION: {
        "nl": "uitnodiging-hoorzitting",
        "fr": "convocation-audition",
        "en": "hearing-invitation",
    },
    Document.Kind.MINUTES: {
        "nl": "verslag-hoorzitting",
        "fr": "pv-audition",
        "en": "hearing-minutes",
    },
}


def cited_number(document: Document) -> str:
    """The number a person cites the document by: the decision's identification once
    taken, else the joint report's number."""
    decision = document.decision
    if decision is not None and decision.identification:
        return decision.identification
    report = document.joint_report or (decision.joint_report if decision else None)
    return report.number if report is not None else ""


def download_name(document: Document) -> str:
    names = FILE_NAMES[document.kind]
    kind = names.get(document.language) or names["nl"]
    number = cited_number(document)
    return "-".join(part for part in (kind, number, f"v{document.version}") if part) + ".pdf"


def is_stored(document: Document) -> bool:
    """Whether the document's file is there to be read (it may have been removed)."""
    name = document.file.name or ""
    return bool(name) and documents_storage().exists(name)


def content_of(document: Document) -> bytes:
    return read_file(documents_storage(), document.file.name or "")


def queue(document: Document) -> None:
    transaction.on_commit(
        lambda: async_task(
            "decisions.documents.generate",
            document.pk,
            task_name=f"document-{document.code}",
            group="decisions",
        )
    )


def report_document(*, report: JointReport, user: Any) -> Document:
    """The PDF of a report version. A final report's is made once (the existing one is
    returned while it is ready or on its way); a draft's shows the sign-offs so far, so
    each request makes a new one."""
    if report.is_final:
        existing = report.documents.filter(
            kind=Document.Kind.JOINT_REPORT, created_at__gte=report.finalised_at
        ).exclude(state=Document.State.FAILED)
        found = existing.order_by("-pk").first()
        if found is not None:
            return found
    title = report.content.get("premises", {}).get("label", "")
    document = Document.objects.create(
        municipality=report.municipality,
        kind=Document.Kind.JOINT_REPORT,
        title=f"{_('Joint report')} {report.number} – {title}"[:300],
        language=report.municipality.language,
        version=report.version,
        joint_report=report,
        created_by=user,
    )
    queue(document)
    return document


def decision_document(*, decision: Decision, kind: str, user: Any) -> Document:
    previous = decision.generated_documents.filter(kind=kind).count()
    document = Document.objects.create(
        municipality=decision.municipality,
        kind=kind,
        title=" – ".join(
            part
            for part in (
                f"{Document.Kind(kind).label} {decision.identification}".strip(),
                decision.premises.label(),
            )
            if part
        )[:300],
        language=decision.municipality.language,
        version=previous + 1,
        decision=decision,
        created_by=user,
    )
    decision.documents.add(document)
    queue(document)
    return document


def render(document: Document) -> bytes:
    if document.kind == Document.Kind.JOINT_REPORT:
        assert document.joint_report is not None
        return rendering.render_report(document.joint_report)
    assert document.decision is not None
    return rendering.html_to_pdf(
        rendering.decision_html(document.decision, TEMPLATES[document.kind], document.language)
    )


def step(document: Document, done: int, **values: Any) -> None:
    Document.objects.filter(pk=document.pk).update(done=done, **values)


def generate(document_id: int) -> str:
    """Render and store one document; returns its state."""
    document = Document.objects.select_related(
        "joint_report__municipality", "decision__municipality"
    ).get(pk=document_id)
    if document.state == Document.State.DONE and is_stored(document):
        return document.state
    step(document, 1, state=Document.State.RUNNING, error="")
    try:
        content = render(document)
        step(document, 2)
        name = write_file(
            documents_storage(), f"{document.kind}/{document.code}-v{document.version}.pdf", content
        )
    except (ReportRefused, Exception) as error:
        step(document, document.done, state=Document.State.FAILED, error=str(error)[:300])
        if isinstance(error, ReportRefused):
            return Document.State.FAILED
        raise
    step(
        document,
        3,
        state=Document.State.DONE,
        file=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        finished_at=timezone.now(),
    )
    return Document.State.DONE
