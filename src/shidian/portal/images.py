"""Pictures uploaded for the portal, re-encoded before they are stored.

Decoding a picture runs a parser over bytes someone else chose, so: the upload is typed by its content
(``core.uploads.check``: PNG, JPEG or GIF only), its size is limited before decoding, the pixel count is read
from the header and refused above the limit (a decompression bomb is a small file that decodes to gigabytes),
Pillow's own bomb check is made an error, and the picture is decoded once, oriented by its EXIF tag, scaled
down to the longest side allowed and written anew as JPEG (PNG where it has transparency): nothing of the
original file (EXIF with GPS position and camera, comments, trailing bytes, other frames) survives.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shidian.core import uploads
from shidian.core.errors import DomainError

IMAGES = (uploads.PNG, uploads.JPEG, uploads.GIF)


@dataclass(frozen=True)
class Picture:
    content: bytes
    width: int
    height: int
    kind: uploads.FileKind


def reencode(content: bytes, *, name: str = "") -> Picture:
    """The picture in ``content`` decoded, oriented, scaled down and encoded anew; DomainError when refused."""
    uploads.check(content, allowed=IMAGES, max_bytes=settings.NEWS_IMAGE_MAX_BYTES, name=name)
    limit = settings.NEWS_IMAGE_MAX_PIXELS
    refused = DomainError(_("图片无法使用：不是有效的 PNG、JPEG 或 GIF 图片。"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as source:
                width, height = source.size
                if width * height > limit:
                    raise DomainError(
                        _("图片像素过多（宽 %(width)d、高 %(height)d），上限 %(limit)d 像素，已拒绝（疑似解压炸弹）。")
                        % {"width": width, "height": height, "limit": limit}
                    )
                source.seek(0)  # the first frame of an animation only
                source.load()
                picture = ImageOps.exif_transpose(source)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DomainError(_("图片解码后过大，已拒绝（疑似解压炸弹）。")) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise refused from exc
    side = settings.NEWS_IMAGE_MAX_SIDE
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    has_alpha = picture.mode in {"RGBA", "LA", "PA"} or (picture.mode == "P" and "transparency" in picture.info)
    mode = "RGBA" if has_alpha else "RGB"
    # A new image from the pixels alone: Pillow would otherwise write the source's comment and EXIF back.
    converted = picture.convert(mode)
    clean = Image.frombytes(mode, converted.size, converted.tobytes())
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        kind = uploads.PNG
    else:
        clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
        kind = uploads.JPEG
    return Picture(content=out.getvalue(), width=clean.width, height=clean.height, kind=kind)


def reencode_image(content: bytes) -> bytes:
    """The re-encoded bytes of the picture in ``content`` (the shape core.uploads is to offer)."""
    return reencode(content).content
