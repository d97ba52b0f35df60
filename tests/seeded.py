"""The catalogues a fresh ``migrate`` seeds (competencies, sectors and indicators,
checklists, decision types). A transactional test's flush empties every table, so a
later transactional test that needs them (the walks, the demo city in a browser) runs
the same seed functions again."""

from __future__ import annotations


def reseed_catalogues() -> None:
    from decisions.catalogue import seed_catalogue
    from decisions.models import DecisionType, DecisionTypeVersion, LegalArticle
    from gis.catalogue import seed_sectors_and_indicators
    from gis.models import Indicator, Sector
    from inspections.field_catalogue import seed_checklists
    from inspections.models import ChecklistTemplate, ChecklistVersion
    from partners.catalogue import seed_competencies
    from partners.models import Competency

    if not Competency.objects.exists():
        seed_competencies(Competency)
    if not Indicator.objects.exists():
        seed_sectors_and_indicators(Sector, Indicator, Competency)
    if not ChecklistTemplate.objects.exists():
        seed_checklists(ChecklistTemplate, ChecklistVersion, Competency, Sector)
    if not DecisionType.objects.exists():
        seed_catalogue(LegalArticle, DecisionType, DecisionTypeVersion)
