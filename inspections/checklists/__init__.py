"""Checklist definitions: their schema and answer validation (``definition``) and the
XLSForm import and export (``xlsform``)."""
