"""Hostile and broken inputs to the one place images are read: every one ends in one line.

Everything is generated here (no committed binaries); URLs are served by a local server.
"""

from __future__ import annotations

import http.server
import io
import os
import socketserver
import struct
import threading
import time
import warnings
import zlib
from contextlib import contextmanager, suppress

import numpy as np
import pytest
from PIL import EpsImagePlugin, Image

from nst_core.errors import ImageError, one_line
from nst_core.image import io as image_io
from nst_core.image import url as image_url
from nst_core.image.io import load_image

from ..helpers import CONTENT

EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 64\n{ } loop\nshowpage\n%%EOF\n"


def test_postscript_disguised_as_a_jpeg_never_reaches_ghostscript(tmp_path, monkeypatch):
    def ghostscript(*args, **kwargs):
        raise AssertionError("Ghostscript was run on untrusted bytes")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", ghostscript)
    path = tmp_path / "innocent.jpg"
    path.write_bytes(EPS)
    for source in (path, EPS):
        with pytest.raises(ImageError, match="not an image file in a format read here"):
            load_image(source)


def _png_of_zeros(width: int, height: int) -> bytes:
    """A valid greyscale PNG of ``width`` x ``height`` black pixels; tiny, however large it declares."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    compressor = zlib.compressobj(9)
    row = bytes(width + 1)  # filter byte 0 and the pixels
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_a_bomb_under_the_global_cap_is_refused_from_its_header_for_a_small_result():
    bomb = _png_of_zeros(10_500, 10_500)  # 110 MP in about 100 KB
    start = time.perf_counter()
    with pytest.raises(ImageError, match="decompression bomb"):
        load_image(bomb, size=512)
    assert time.perf_counter() - start < 1.0  # decided before decoding


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(tmp_path, monkeypatch):
    path = tmp_path / "large.jpg"
    Image.new("RGB", (4000, 3000), (200, 100, 50)).save(path, quality=80)
    monkeypatch.setattr(image_io, "SHRINK_PIXELS", 1_000_000)
    opened = []
    real_open = image_io._open

    def spy(source, name):
        image = real_open(source, name)
        opened.append(image)
        return image

    monkeypatch.setattr(image_io, "_open", spy)
    array = load_image(path, size=256)
    assert array.shape == (192, 256, 3)
    np.testing.assert_allclose(array[96, 128], np.array([200, 100, 50]) / 255, atol=0.02)
    assert max(opened[0].size) <= 1000  # decoded at 1/4 scale, not 4000 x 3000


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.png"
    with open(path, "wb") as file:
        file.truncate(9 * 2**30)  # sparse: 9 GiB on paper, nothing on disk
    with pytest.raises(ImageError, match="larger than the 1 GiB accepted"):
        load_image(path)


def _small_files() -> dict[str, bytes]:
    image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (24, 32, 3), dtype=np.uint8))
    files = {}
    for fmt in ("PNG", "JPEG", "WEBP", "GIF", "BMP", "TIFF"):
        buffer = io.BytesIO()
        image.save(buffer, format=fmt)
        files[fmt] = buffer.getvalue()
    return files


def test_fuzzed_files_give_an_image_or_a_one_line_image_error():
    rng = np.random.default_rng(7)
    outcomes = {"loaded": 0, "refused": 0}
    for fmt, data in _small_files().items():
        for trial in range(60):
            broken = bytearray(data)
            if trial % 3 == 0:
                broken = broken[: rng.integers(8, len(broken))]  # truncated
            else:
                for at in rng.integers(0, len(broken), size=rng.integers(1, 8)):
                    broken[at] = rng.integers(0, 256)
            try:
                array = load_image(bytes(broken))
            except ImageError as err:
                message = str(err)
                outcomes["refused"] += 1
                assert "\n" not in message, (fmt, trial)
            else:
                assert array.dtype == np.float32 and array.ndim == 3, (fmt, trial)
                outcomes["loaded"] += 1
    assert outcomes["refused"] > 0


@pytest.mark.parametrize(
    ("source", "named"),
    [
        (b"not a picture", "the given image bytes"),
        (Image.new("RGB", (1, 1)), "the given PIL image"),
        (np.zeros((1, 64, 3)), "the given image array"),
    ],
)
def test_errors_name_what_was_given(source, named):
    with pytest.raises(ImageError, match=f"^{named}: "):
        load_image(source)
    with pytest.raises(ImageError, match="^upload.png: "):
        load_image(source, name="upload.png")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        if self.path == "/photo.jpg":
            body = CONTENT.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/drip.jpg":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif self.path == "/private.jpg":
            if self.headers.get("Authorization") != "Basic dXNlcjpzM2NyZXQ=":  # user:s3cret
                self.send_error(401)
                return
            self.path = "/photo.jpg"
            self.do_GET()
        elif self.path == "/to-ftp.jpg":
            self.send_response(302)
            self.send_header("Location", "ftp://anonymous@127.0.0.1:1/x.jpg")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/chunked.jpg":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"zz\r\nnot hex\r\n")
            self.close_connection = True
        elif self.path == "/hostile.jpg":
            self.send_response(404, "\x1b]0;owned\x07\x1b[2J<script>alert(1)</script>")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@contextmanager
def _server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_dripping_server_is_cut_off_by_the_total_time_limit(monkeypatch):
    monkeypatch.setattr(image_url, "URL_TOTAL_S", 1.0)
    with _server() as host:
        start = time.perf_counter()
        with pytest.raises(ImageError, match="took longer than 1 s"):
            load_image(f"http://{host}/drip.jpg")
        assert time.perf_counter() - start < 5


def test_urls_follow_only_http_redirects_and_hide_credentials():
    with _server() as host:
        with pytest.raises(ImageError, match=r"redirect to ftp://127\.0\.0\.1:1/x\.jpg refused"):
            load_image(f"http://{host}/to-ftp.jpg")
        with pytest.raises(ImageError) as info:
            load_image(f"http://user:s3cret@{host}/missing.jpg")
        assert "s3cret" not in str(info.value) and "404" in str(info.value)
        assert load_image(f"http://user:s3cret@{host}/private.jpg", size=64).shape == (48, 64, 3)
        assert load_image(f"HTTP://{host}/photo.jpg", size=64).shape == (48, 64, 3)


def test_broken_bodies_and_hostile_server_text_give_one_clean_line():
    with _server() as host:
        with pytest.raises(ImageError, match="could not download"):
            load_image(f"http://{host}/chunked.jpg")
        with pytest.raises(ImageError) as info:
            load_image(f"http://{host}/hostile.jpg")
        message = str(info.value)
        assert "\x1b" not in message and "\x07" not in message and "\n" not in message


def _open_sockets() -> set[str]:
    """This process's open sockets, as ``socket:[inode]``."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        with suppress(FileNotFoundError):  # closed by another thread meanwhile
            link = os.readlink(f"/proc/self/fd/{fd}")
            if link.startswith("socket:"):
                found.add(link)
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="lists sockets through /proc")
@pytest.mark.parametrize("path", ["missing.jpg", "hostile.jpg", "to-ftp.jpg", "chunked.jpg"])
def test_a_failed_download_closes_its_connection(path):
    """Even while the error is kept (a notebook keeps the last one), its connection is closed."""
    with _server() as host:
        before = _open_sockets()
        with pytest.raises(ImageError) as info:
            load_image(f"http://{host}/{path}")
        deadline = time.monotonic() + 5  # the server's side of the connection closes in its own thread
        while _open_sockets() - before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _open_sockets() - before, info.value


def test_one_line_drops_control_characters():
    assert one_line("a\x1b[2Jb\x07c\nsecond line") == "a[2Jbc"


def test_a_size_too_large_for_any_run_is_refused_before_it_is_allocated():
    start = time.perf_counter()
    with pytest.raises(ImageError, match="at size 100000 it would be 100000x75000 px"):
        load_image(CONTENT, size=100_000)
    assert time.perf_counter() - start < 2.0


def _tiff_with_a_tag_longer_than_the_file() -> bytes:
    buffer = io.BytesIO()
    pixels = (np.random.default_rng(0).random((40, 40, 3)) * 255).astype(np.uint8)
    Image.fromarray(pixels).save(buffer, format="TIFF", tiffinfo={270: "a description" * 8})
    data = bytearray(buffer.getvalue())
    ifd = struct.unpack("<I", data[4:8])[0]
    for entry in range(struct.unpack("<H", data[ifd : ifd + 2])[0]):
        at = ifd + 2 + 12 * entry
        if struct.unpack("<H", data[at : at + 2])[0] == 270:  # ImageDescription: claim a million bytes
            data[at + 4 : at + 8] = struct.pack("<I", 10**6)
    return bytes(data)


def test_damaged_metadata_pillow_skips_gives_the_picture_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Pillow warning would print as "nst: warning: ..."
        image = load_image(_tiff_with_a_tag_longer_than_the_file())
    assert image.shape == (40, 40, 3)
