"""Files as clients send them: real images made with Pillow, and hand-built bytes for the other formats."""

import io
import struct
import uuid
import zipfile
import zlib

from PIL import Image

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_CLASS = "00020906-0000-0000-c000-000000000046"
INSTALLER_CLASS = "000c1084-0000-0000-c000-000000000046"


def png(width: int = 64, height: int = 48, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int = 64, height: int = 48, *, orientation: int | None = None) -> bytes:
    """A JPEG; with `orientation`, an EXIF orientation tag (6 = rotate 90° to display) and a GPS tag."""
    image = Image.new("RGB", (width, height), "blue")
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
        exif[0x8825] = {1: "N"}  # GPS info: must not survive re-encoding
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, format="GIF")
    return out.getvalue()


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def exe() -> bytes:
    """The start of a Windows executable: `MZ`, then a DOS header full of NUL bytes."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200) + b"This program cannot be run"


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def compound_file(class_id: str) -> bytes:
    """A minimal OLE2 compound file whose root storage has `class_id` (Word document, installer package…)."""
    header = bytearray(512)
    header[0:8] = OLE2_MAGIC
    header[26:28] = (3).to_bytes(2, "little")  # major version 3: 512-byte sectors
    header[28:30] = b"\xfe\xff"
    header[30:32] = (9).to_bytes(2, "little")
    header[48:52] = (0).to_bytes(4, "little")  # the directory starts in sector 0
    root = bytearray(128)
    name = "Root Entry".encode("utf-16-le")
    root[0 : len(name)] = name
    root[64:66] = (len(name) + 2).to_bytes(2, "little")
    root[66] = 5  # root storage
    root[80:96] = uuid.UUID(class_id).bytes_le
    return bytes(header) + bytes(root) + bytes(384)


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header announcing 10 gigapixels, with next to no data: decoding it would exhaust memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + data
