"""Image files for the image tests, made in memory with Pillow."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo


def png(width: int = 40, height: int = 30, colour: tuple[int, ...] = (200, 30, 30), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG", **save)
    return out.getvalue()


def png_with_text(secret: str) -> bytes:
    info = PngInfo()
    info.add_text("Author", secret)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{secret}</x:xmpmeta>")
    return png(pnginfo=info)


def photo_with_gps(width: int = 40, height: int = 20, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: GPS position, camera serial, rotated by EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.BodySerialNumber] = "SERIAL-12345"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (60.0, 10.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (24.0, 56.0, 10.0)
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def webp(width: int = 30, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 200, 0, 128)).save(out, "WEBP")
    return out.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("P", (20, 10), i) for i in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def many_pixels(width: int, height: int) -> bytes:
    """A real, small PNG (one bit a pixel, all white) that decodes to many pixels."""
    out = io.BytesIO()
    Image.new("1", (width, height), 1).save(out, "PNG")
    return out.getvalue()


def lying_png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims a vast image (a decompression bomb's first bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
