"""What a file is, judged by its bytes: the upload allow-list (TRCR's Files section) checked by magic bytes.

The declared type (a form part's header, the presigned request's `content_type`) and the file name only
choose between types of the same family (a zip container may be a .docx; text may be CSV). What is stored
and served is always a type the content itself supports; content that matches no allowed family is refused,
whatever it is called (an `.exe` renamed `.png` starts with `MZ` and a NUL byte: neither an image nor text).
"""

import codecs
import uuid
from collections.abc import Callable
from dataclasses import dataclass

# Reads up to `length` bytes at `offset` (fewer at the end of the file).
Reader = Callable[[int, int], bytes]

HEAD_BYTES = 8192

# Allowed content type -> the family its bytes must belong to.
ALLOWED_TYPES: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "text/plain": "text",
    "text/csv": "text",
    "application/zip": "zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "zip",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "zip",
    "application/vnd.oasis.opendocument.text": "zip",
    "application/vnd.oasis.opendocument.spreadsheet": "zip",
    "application/vnd.oasis.opendocument.presentation": "zip",
    "application/msword": "ole2",
    "application/vnd.ms-excel": "ole2",
    "application/vnd.ms-powerpoint": "ole2",
}
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-zip-compressed": "application/zip"}
_DEFAULT_TYPE = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "text": "text/plain",
    "zip": "application/zip",
}
_BY_EXTENSION = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "csv": "text/csv",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Root-storage class ids of the legacy Office formats (an installer package, also OLE2, has its own: refused).
_OFFICE_CLASSES = {
    uuid.UUID("00020906-0000-0000-c000-000000000046").bytes_le: "application/msword",
    uuid.UUID("00020900-0000-0000-c000-000000000046").bytes_le: "application/msword",
    uuid.UUID("00020820-0000-0000-c000-000000000046").bytes_le: "application/vnd.ms-excel",
    uuid.UUID("00020810-0000-0000-c000-000000000046").bytes_le: "application/vnd.ms-excel",
    uuid.UUID("64818d10-4f9b-11cf-86ea-00aa00b929e8").bytes_le: "application/vnd.ms-powerpoint",
    bytes(16): None,  # written by many libraries: the type then comes from the declared type or the name
}
# Control characters that do not occur in text (tab, line feed, carriage return, form feed and escape do).
_BINARY_CONTROLS = bytes(sorted((set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}) | {0x7F}))


@dataclass(frozen=True)
class Sniffed:
    family: str
    # A more precise type the content itself names (an OpenDocument's `mimetype` entry, an OLE2 class id).
    hint: str | None = None


def normalize(content_type: str | None) -> str | None:
    """`Image/JPG; charset=x` -> `image/jpeg`; empty or generic (`application/octet-stream`) -> None."""
    if not content_type:
        return None
    value = content_type.split(";", 1)[0].strip().lower()
    if value in ("", "application/octet-stream", "binary/octet-stream"):
        return None
    return _ALIASES.get(value, value)


def is_allowed(content_type: str | None) -> bool:
    """Whether a declared type is on the allow-list."""
    return normalize(content_type) in ALLOWED_TYPES


def sniff(read: Reader, size: int) -> Sniffed | None:
    """The allowed family the bytes belong to, or None (refused)."""
    head = read(0, HEAD_BYTES)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("png")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("jpeg")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("webp")
    if head.startswith(b"%PDF-"):
        return Sniffed("pdf")
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return Sniffed("zip", _zip_hint(head))
    if head.startswith(_OLE2_MAGIC):
        return _ole2(read, head)
    if _is_text(head, complete=size <= len(head)):
        return Sniffed("text")
    return None


def content_type_for(sniffed: Sniffed, *, declared: str | None, filename: str) -> str | None:
    """The type to store and serve: the declared one or the name's if the bytes support it, else the content's."""
    for candidate in (normalize(declared), _BY_EXTENSION.get(filename.rsplit(".", 1)[-1].lower())):
        if candidate and ALLOWED_TYPES.get(candidate) == sniffed.family:
            return candidate
    if sniffed.hint:
        return sniffed.hint
    return _DEFAULT_TYPE.get(sniffed.family)


def _zip_hint(head: bytes) -> str | None:
    """An OpenDocument names its type in a first, uncompressed `mimetype` entry; OOXML needs the declared type."""
    name_length = int.from_bytes(head[26:28], "little")
    extra_length = int.from_bytes(head[28:30], "little")
    name = head[30 : 30 + name_length]
    if name != b"mimetype":
        return None
    start = 30 + name_length + extra_length
    stored_length = min(int.from_bytes(head[18:22], "little"), 100)
    declared = head[start : start + stored_length].decode("ascii", "replace").strip()
    return next((t for t in ALLOWED_TYPES if t.startswith("application/vnd.oasis") and declared == t), None)


def _ole2(read: Reader, head: bytes) -> Sniffed | None:
    """A compound file is allowed only if its root storage is an Office document's (never an installer's)."""
    if len(head) < 512:
        return None
    sector_shift = int.from_bytes(head[30:32], "little")
    if sector_shift not in (9, 12):
        return None
    first_directory_sector = int.from_bytes(head[48:52], "little")
    if first_directory_sector >= 0xFFFFFFFA:
        return None
    root = read((first_directory_sector + 1) << sector_shift, 128)
    if len(root) < 128 or root[66] != 5:  # the first directory entry must be the root storage
        return None
    class_id = root[80:96]
    if class_id not in _OFFICE_CLASSES:
        return None
    return Sniffed("ole2", _OFFICE_CLASSES[class_id])


def _is_text(head: bytes, *, complete: bool) -> bool:
    """UTF-8 without binary control characters; a multi-byte character cut at the sample's end is fine."""
    if not head or len(head.translate(None, _BINARY_CONTROLS)) != len(head):
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        return False
    return True
