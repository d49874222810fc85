"""Image resizing with Pillow, safe against decompression bombs: the header's dimensions are checked before
any pixel is decoded, only the allowed formats are parsed, and JPEGs are decoded at a reduced scale.

Pillow is imported on first use, so it never weighs on the API's cold start.
"""

from io import BytesIO

MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000; larger images get no thumbnail, and are refused as avatar or logo
THUMBNAIL_BOX = (320, 320)
PROFILE_BOX = (512, 512)
_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")


class ImageRejected(Exception):
    """The bytes are not an image Stint will decode (unreadable, or too many pixels)."""


def thumbnail(data: bytes | BytesIO) -> bytes:
    """A WebP at most THUMBNAIL_BOX, upright, without metadata."""
    return _resized(data, THUMBNAIL_BOX, "WEBP")


def profile_picture(data: bytes | BytesIO, *, formats: tuple[str, ...] = _FORMATS) -> bytes:
    """A PNG at most PROFILE_BOX (avatars and logos), upright, without metadata."""
    return _resized(data, PROFILE_BOX, "PNG", formats=formats)


def _resized(data: bytes | BytesIO, box: tuple[int, int], output: str, *, formats: tuple[str, ...] = _FORMATS) -> bytes:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, in case a frame is bigger than the header says
    source = data if isinstance(data, BytesIO) else BytesIO(data)
    source.seek(0)
    try:
        with Image.open(source, formats=list(formats)) as image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise ImageRejected(f"{width}x{height} is more than {MAX_PIXELS} pixels")
            image.thumbnail(box, Image.Resampling.LANCZOS)  # decodes JPEGs at a reduced scale (draft mode)
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
            image = image.convert("RGBA" if has_alpha else "RGB")
            out = BytesIO()
            image.save(out, format=output, **({"quality": 80} if output == "WEBP" else {"optimize": True}))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ImageRejected(str(error)) from error
    return out.getvalue()
