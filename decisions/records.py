"""What decisions/ holds, for the backup (partners/backup.py names no app's models):
the generated report and decision documents, backed up under ``media/decisions/``.
Retention keeps them: they are administrative records the municipality must archive."""

from __future__ import annotations

from partners import backup

# Where documents are stored (decisions/documents.py writes them there): a storage of
# settings.STORAGES and the folder inside it.
DOCUMENT_STORAGE, DOCUMENT_FOLDER = "documents", ""


def register() -> None:
    backup.register_file_area(backup.FileArea("decisions", DOCUMENT_STORAGE, DOCUMENT_FOLDER))
    backup.register_headline("decisions.jointreport", "reports")
    backup.register_headline("decisions.decision", "decisions")
