"""The decisions app's models: the catalogue of the law, joint reports and their
documents, and the decision records."""

from decisions.models.catalogue import (
    PERMIT_MEASURES,
    DecisionType,
    DecisionTypeVersion,
    LegalArticle,
    Measure,
    PublishedVersionError,
)
from decisions.models.records import (
    DecidedError,
    Decision,
    DecisionCounter,
    FollowUp,
    add_months,
)
from decisions.models.reports import (
    Document,
    FinalReportError,
    JointReport,
    JointReportCounter,
    ReportSignOff,
)

__all__ = [
    "PERMIT_MEASURES",
    "DecidedError",
    "Decision",
    "DecisionCounter",
    "DecisionType",
    "DecisionTypeVersion",
    "Document",
    "FinalReportError",
    "FollowUp",
    "JointReport",
    "JointReportCounter",
    "LegalArticle",
    "Measure",
    "PublishedVersionError",
    "ReportSignOff",
    "add_months",
]
