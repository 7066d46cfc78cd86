"""The one re-encoder (core.uploads.reencode_image, used by experiences' photos and the portal's news pictures):
EXIF and comments gone, size bounded, non-images and decompression bombs refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from shidian.core.errors import DomainError
from shidian.core.uploads import Image as Reencoded
from shidian.core.uploads import reencode_image


def reencode(content: bytes, *, max_bytes: int = 5 * 1024 * 1024, max_side: int = 1600) -> Reencoded:
    return reencode_image(content, max_bytes=max_bytes, max_side=max_side)


def _jpeg_with_exif(size: tuple[int, int] = (400, 300)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° when shown
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"private comment")
    return out.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels, with almost no data (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + data + chunk(b"IEND", b"")


def test_exif_and_comments_are_stripped_and_the_orientation_applied() -> None:
    original = _jpeg_with_exif()
    assert b"SecretCamera" in original and b"private comment" in original
    picture = reencode(original)
    assert b"SecretCamera" not in picture.content and b"private comment" not in picture.content
    with Image.open(io.BytesIO(picture.content)) as image:
        assert not image.getexif()
        assert image.size == (300, 400)  # turned as the orientation tag said, then the tag dropped
    assert (picture.width, picture.height) == (300, 400)


def test_large_pictures_are_scaled_down_to_the_longest_side() -> None:
    picture = reencode(_jpeg_with_exif((800, 400)), max_side=200)
    assert (picture.width, picture.height) == (100, 200)  # turned upright by its orientation tag, then scaled


def test_transparency_is_kept_as_png() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
    picture = reencode(out.getvalue())
    assert picture.kind.name == "png" and picture.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "content",
    [b"just text, named photo.jpg", b"%PDF-1.4\n%%EOF\n", b"<svg xmlns='http://www.w3.org/2000/svg'/>"],
)
def test_files_that_are_not_pictures_are_refused(content: bytes) -> None:
    with pytest.raises(DomainError, match="只接受"):
        reencode(content)


def test_a_damaged_picture_is_refused_in_chinese() -> None:
    broken = _jpeg_with_exif()[:200]
    with pytest.raises(DomainError, match="不是可以读取的图片"):
        reencode(broken)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = _png_header(100_000, 100_000)
    assert len(bomb) < 200
    with pytest.raises(DomainError, match="解压炸弹"):
        reencode(bomb)


def test_a_file_over_the_size_limit_is_refused_before_decoding() -> None:
    with pytest.raises(DomainError, match="文件过大"):
        reencode(_jpeg_with_exif(), max_bytes=1000)


def test_a_png_text_chunk_and_an_icc_profile_are_not_carried_over() -> None:
    from PIL import ImageCms, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "private png text")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(out, format="PNG", pnginfo=info, icc_profile=profile)
    assert b"private png text" in out.getvalue()
    picture = reencode(out.getvalue())
    assert b"private png text" not in picture.content
    with Image.open(io.BytesIO(picture.content)) as image:
        assert "icc_profile" not in image.info and not image.text  # type: ignore[attr-defined]
