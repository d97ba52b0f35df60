"""Official documents as PDF/A: Django templates rendered by WeasyPrint in the
municipality's language, with the briefing packs' local URL fetcher (never over HTTP)
and the map drawn on the server as SVG.

Rendering is deterministic: the same snapshot gives the same bytes, so the worker's
file and ``manage.py joint_report`` agree to the byte.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString
from weasyprint import HTML

from decisions.facts import ReportRefused
from decisions.models import Decision, JointReport
from inspections.briefing import BASE_URL, LocalFetcher, Route, route_map_svg
from inspections.evidence import evidence_exists
from partners.models import Municipality

PDF_VARIANT = "pdf/a-3b"
MAP_WIDTH, MAP_HEIGHT = 480, 300


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf(
        pdf_variant=PDF_VARIANT
    )


def pick(texts: dict[str, str] | None, language: str) -> str:
    if not texts:
        return ""
    return texts.get(language) or texts.get("nl") or next(iter(texts.values()), "")


def premises_map(
    premises: dict[str, Any], title: str, municipality: Municipality | None = None
) -> SafeString:
    """The premises and its footprint over the municipality's reference layers (no
    tiles: a document is drawn without the network)."""
    return route_map_svg(
        [Route(title, "#b3261e", [(premises["lon"], premises["lat"])])],
        briefing=None,
        zone=premises.get("footprint"),
        title=title,
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        municipality=municipality,
    )


def parse_moment(value: str) -> datetime | date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def localised_sections(content: dict[str, Any], language: str) -> list[dict[str, Any]]:
    sections = []
    for section in content.get("partners", []):
        findings = [
            {
                "checklist": pick(finding["checklist"], language),
                "recorded_at": parse_moment(finding["recorded_at"]),
                "recorded_by": finding["recorded_by"],
                "answers": [
                    {
                        **answer,
                        "label": pick(answer["label"], language),
                        "display": pick(answer["display"], language),
                    }
                    for answer in finding["answers"]
                    if answer["kind"] != "photo"
                ],
            }
            for finding in section["findings"]
        ]
        sections.append({**section, "findings": findings})
    return sections


def report_context(report: JointReport, language: str) -> dict[str, Any]:
    content = report.content
    sign_offs = {
        sign_off.partner_id: sign_off
        for sign_off in report.sign_offs.select_related("signed_by").order_by("pk")
    }
    sections = localised_sections(content, language)
    for section in sections:
        section["sign_off"] = sign_offs.get(section["partner_id"])
    premises = content["premises"]
    return {
        "report": report,
        "language": language,
        "premises": premises,
        "sector": pick(premises.get("sector"), language),
        "action_day": content["action_day"],
        "action_day_date": date.fromisoformat(content["action_day"]["date"]),
        "started_at": parse_moment(content["action_day"].get("started_at", "")),
        "sections": sections,
        "counts": content.get("counts", {}),
        "infractions": [
            {
                **item,
                "label": pick(item["label"], language),
                "display": pick(item["display"], language),
            }
            for item in content.get("infractions", [])
        ],
        "measures": [
            {
                **item,
                "label": pick(item["label"], language),
                "display": pick(item["display"], language),
            }
            for item in content.get("measures", [])
        ],
        "photos": [
            {
                **photo,
                "label": pick(photo["label"], language),
                "taken": parse_moment(photo["taken_at"]),
            }
            for photo in content.get("photos", [])
        ],
        "further_information": [
            section["partner_name"]
            for section in sections
            if section["withheld"]
            and section["sign_off"] is not None
            and section["sign_off"].mention_further_information
        ],
        "map_svg": premises_map(premises, premises["label"], report.municipality),
    }


def check_photos(report: JointReport) -> None:
    for photo in report.content.get("photos", []):
        if not evidence_exists(photo["sha256"]):
            raise ReportRefused(
                translation.gettext("A photo (%(sha)s…) is missing from storage; nothing was made.")
                % {"sha": photo["sha256"][:12]}
            )


def report_html(report: JointReport, language: str | None = None) -> str:
    language = language or report.municipality.language
    with translation.override(language):
        return render_to_string("decisions/joint_report_pdf.html", report_context(report, language))


def render_report(report: JointReport) -> bytes:
    """The report's PDF/A, or ReportRefused when a photo is missing from storage."""
    check_photos(report)
    return html_to_pdf(report_html(report))


# "3. ", "3) " or "3 - " that an advisor typed before a consideration.
TYPED_NUMBER = re.compile(r"^\s*\d+\s*[.)\-–]\s+")


def considerations(motivation: str) -> list[str]:
    """The motivation's lines as the document's numbered list: a number typed before a
    line gives way to the list's own, so none is printed twice."""
    return [TYPED_NUMBER.sub("", line).strip() for line in motivation.splitlines() if line.strip()]


def decision_context(decision: Decision, language: str) -> dict[str, Any]:
    version = decision.type_version
    return {
        "decision": decision,
        "language": language,
        "municipality": decision.municipality,
        "type_title": getattr(version.decision_type, f"title_{language}", "")
        or version.decision_type.title_nl,
        "legal_basis": version.legal_basis(language),
        "appeal_body": version.appeal_body(language),
        "appeal_term_days": version.appeal_term_days,
        "articles": [
            getattr(article, f"citation_{language}", "") or article.citation_nl
            for article in decision.articles.all()
        ],
        "considerations": considerations(decision.motivation),
        "premises": decision.joint_report.content.get("premises", {}),
        "report": decision.joint_report,
        "inspected_on": date.fromisoformat(decision.joint_report.content["action_day"]["date"]),
    }


def decision_html(decision: Decision, template: str, language: str | None = None) -> str:
    language = language or decision.municipality.language
    with translation.override(language):
        return render_to_string(template, decision_context(decision, language))
