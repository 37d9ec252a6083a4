"""Production static files: every file a stylesheet or script names exists, so collectstatic with the
manifest storage (DEBUG off) does not stop on a missing source map."""

import re

from django.contrib.staticfiles import finders

# The comments ManifestStaticFilesStorage follows (django.contrib.staticfiles.storage).
SOURCE_MAP = re.compile(rb"(?m)^(?://# sourceMappingURL=(\S+)\s*$|/\*# sourceMappingURL=(\S+)[ \t]*\*/\s*$)")


def static_files():
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=[]):
            if path.endswith((".js", ".css")):
                yield path, storage


def test_every_source_map_a_static_file_names_is_shipped():
    missing = []
    for path, storage in static_files():
        with storage.open(path) as handle:
            content = handle.read()
        for match in SOURCE_MAP.finditer(content):
            name = match.group(1) or match.group(2)
            if name.startswith(b"data:"):
                continue
            target = "/".join([*path.split("/")[:-1], name.decode()])
            if finders.find(target) is None:
                missing.append(f"{path} → {name.decode()}")
    assert missing == []


def test_the_vendored_files_are_found():
    for path in [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
        "vendor/chartjs/chart.umd.min.js",
        "vendor/htmx/htmx.min.js",
        "vendor/tom-select/tom-select.complete.min.js",
        "vendor/tom-select/tom-select.bootstrap5.min.css",
    ]:
        assert finders.find(path), path
