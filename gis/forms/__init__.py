"""Forms of the premises-register pages, one module per feature."""
