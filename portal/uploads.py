"""The one rule for uploaded files: which types, how large, and whether the content is what the name says.

Every upload in the portal (evidence, rectification responses, agreements, bidders' attachments, fee
sheets) is checked by a ``FileRule``: by extension against a list of accepted types, by size against a
limit, and by its first bytes (and, for Office files, the ZIP's contents) against the type its name
claims. Each app names its rule once, with its own types and limit (settings may override them).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ZIP_HEADS = (b"PK\x03\x04", b"PK\x05\x06")


def _der_or_pem(head: bytes) -> bool:
    return head[:1] == b"\x30" or head.startswith(b"-----BEGIN")


# extension → test of the first 16 bytes
SIGNATURES: dict[str, Callable[[bytes], bool]] = {
    "pdf": lambda head: head.startswith(b"%PDF-"),
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "docx": lambda head: head.startswith(ZIP_HEADS[0]),
    "xlsx": lambda head: head.startswith(ZIP_HEADS[0]),
    "zip": lambda head: head.startswith(ZIP_HEADS),
    "ofd": lambda head: head.startswith(ZIP_HEADS),  # GB/T 33190: a ZIP package
    "p7s": _der_or_pem,
    "p7m": _der_or_pem,
    "sig": lambda head: _der_or_pem(head) or head[:1].isalnum(),
    "xml": lambda head: head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"),
}
# Office files are ZIP packages that must hold this part.
OFFICE_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _setting(name: str):
    return getattr(settings, name, None) if name else None


def file_name(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "").name


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def content_matches(upload, extension: str, package: bool = True) -> bool:
    """Whether the file's bytes are a file of that type (with ``package``, an Office file's ZIP must hold
    its main part); the read position is left where it was."""
    check = SIGNATURES.get(extension)
    if check is None:
        return False
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        ok = check(upload.read(16))
        if ok and package and extension in OFFICE_MARKERS:
            upload.seek(0)
            try:
                with zipfile.ZipFile(upload) as archive:
                    ok = OFFICE_MARKERS[extension] in archive.namelist()
            except zipfile.BadZipFile:
                ok = False
    finally:
        upload.seek(position)
    return ok


@dataclass(frozen=True)
class FileRule:
    """Accepted types and size limit of one kind of upload.

    ``types`` and ``max_bytes`` are the defaults; the settings named by ``types_setting`` and
    ``size_setting`` override them. ``check_package`` opens an Office file's ZIP to find its main
    part; it is off where a later step opens the file anyway and reports what is wrong with it.
    """

    types: tuple[str, ...]
    max_bytes: int
    types_setting: str = ""
    size_setting: str = ""
    allow_empty: bool = True
    check_package: bool = True

    def accepted_types(self) -> list[str]:
        configured: Iterable[str] = _setting(self.types_setting) or self.types
        return [extension.lower().lstrip(".") for extension in configured]

    def limit(self) -> int:
        return int(_setting(self.size_setting) or self.max_bytes)

    def help_text(self) -> str:
        return _("%(types)s, at most %(size)s MB.") % {
            "types": ", ".join(self.accepted_types()),
            "size": f"{self.limit() / 1048576:g}",
        }

    def accept(self) -> str:
        """The HTML ``accept`` attribute for a file input."""
        return ",".join(f".{extension}" for extension in self.accepted_types())

    def __call__(self, upload) -> None:
        self.validate(upload)

    def validate(self, upload) -> None:
        """Refuse a file of a type not accepted, too big, empty (when refused) or not what its name says."""
        name = file_name(upload)
        extension = extension_of(name)
        allowed = self.accepted_types()
        if extension not in allowed:
            raise ValidationError(
                _("“%(name)s”: files of type “%(ext)s” are not accepted (allowed: %(allowed)s).")
                % {"name": name, "ext": extension or "?", "allowed": ", ".join(allowed)},
                code="file_type",
            )
        limit = self.limit()
        if upload.size > limit:
            raise ValidationError(
                _("“%(name)s” is %(size).1f MB; the limit is %(limit)s MB.")
                % {"name": name, "size": upload.size / 1048576, "limit": f"{limit / 1048576:g}"},
                code="file_size",
            )
        if upload.size == 0 and not self.allow_empty:
            raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
        if not content_matches(upload, extension, package=self.check_package):
            raise ValidationError(
                _("“%(name)s”: the content is not a valid %(ext)s file.") % {"name": name, "ext": extension},
                code="file_content",
            )
