"""Static files storage for production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed, hashed storage without rewriting JavaScript source-map
    comments: vendored libraries name ``.map`` files that are not shipped, and a missing
    map must not stop ``collectstatic``."""

    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )
