"""multipart/form-data uploads through the API, parsed as a stream: the body is fed to a push parser in chunks
and only the file part's bytes are kept (one copy, in a buffer that S3 and Pillow read in place)."""

from dataclasses import dataclass
from io import BytesIO

from chalice.app import Request

from chalicelib.core.errors import PayloadTooLarge, ValidationFailed

# Lambda's request payload limit is 6 MB; larger files go through the presigned POST flow.
MAX_BODY_BYTES = 6 * 1024 * 1024
MAX_FILENAME_CHARS = 255
_CHUNK = 64 * 1024
_MAX_PARTS = 16


@dataclass
class Upload:
    filename: str
    declared_type: str | None
    content: BytesIO

    @property
    def size(self) -> int:
        return self.content.getbuffer().nbytes

    def read(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes at `offset` (what the type check needs)."""
        return bytes(self.content.getbuffer()[offset : offset + length])


def clean_filename(name: str | None) -> str:
    """The last path segment of a client's file name, without control characters, at most 255 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    return base[:MAX_FILENAME_CHARS] or "file"


def read_upload(request: Request, *, too_large: str) -> Upload:
    """The one file part of a multipart body (any field name); 400 naming `file` if there is none."""
    import multipart

    kind, options = multipart.parse_options_header((request.headers or {}).get("content-type", ""))
    boundary = options.get("boundary")
    if kind != "multipart/form-data" or not boundary:
        raise ValidationFailed.field("file", "must be sent as multipart/form-data with a boundary")
    body = request.raw_body or b""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(too_large, details=[{"field": "file", "message": too_large}])
    found: Upload | None = None
    current: Upload | None = None
    parser = multipart.PushMultipartParser(
        boundary, content_length=len(body), max_segment_count=_MAX_PARTS, max_header_count=8
    )
    try:
        with parser:
            for start in range(0, len(body), _CHUNK):
                for event in parser.parse(body[start : start + _CHUNK]):
                    if isinstance(event, multipart.MultipartSegment):
                        current = _start_part(event, found)
                        found = found or current
                    elif event is None:
                        current = None
                    elif current is not None:  # other form fields are ignored (the body size bounds them)
                        current.content.write(event)
    except multipart.MultipartError as error:
        raise ValidationFailed.field("file", "is not a well-formed multipart/form-data body") from error
    if found is None:
        raise ValidationFailed.field("file", "is required: send one file part (any field name) with a file name")
    if found.size == 0:
        raise ValidationFailed.field("file", "is empty")
    return found


def _start_part(segment, found: Upload | None) -> Upload | None:
    """A new Upload for a file part (one with a file name); None for plain form fields."""
    if not segment.filename:
        return None
    if found is not None:
        raise ValidationFailed.field("file", "send exactly one file per request")
    return Upload(filename=clean_filename(segment.filename), declared_type=segment.content_type, content=BytesIO())
