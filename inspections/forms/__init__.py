"""Forms of the inspections pages, one module per feature."""
