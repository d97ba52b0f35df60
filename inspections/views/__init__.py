"""The inspections pages, one module per feature."""
