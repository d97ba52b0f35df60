"""The premises-register pages, one module per feature."""
