"""Reading every kind of image users throw at us, and saving without half-written files."""

import http.server
import io
import os
import re
import stat
import struct
import threading
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nst_core.errors import ImageError, OptionError
from nst_core.image.io import load_image, save_image

from ..helpers import CONTENT


def _pil_rgb(width=40, height=30):
    rng = np.random.default_rng(1)
    return Image.fromarray(rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8), "RGB")


@pytest.mark.parametrize("mode", ["RGB", "L", "1", "P", "CMYK", "YCbCr", "I", "F", "LA", "RGBA", "I;16"])
def test_every_mode_becomes_float_rgb(mode, tmp_path):
    image = _pil_rgb().convert(mode) if mode != "I;16" else Image.fromarray(np.full((30, 40), 40000, dtype=np.uint16))
    if mode == "F":  # float images hold [0, 1], as float arrays do
        image = Image.fromarray(np.asarray(image) / 255)
    suffix = ".tiff" if mode in ("CMYK", "YCbCr", "I", "F") else ".png"
    path = tmp_path / f"image{suffix}"
    image.save(path)
    array = load_image(path)
    assert array.shape == (30, 40, 3) and array.dtype == np.float32
    assert 0.0 <= array.min() and array.max() <= 1.0
    if mode == "I;16":  # 16-bit grey scaled by its range, not clipped at 255
        assert array.mean() == pytest.approx(40000 / 65535, abs=1e-3)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (np.linspace(0, 1000, 30 * 40, dtype=np.float32), "float values span [0, 1000]"),
        (np.full(30 * 40, np.nan, dtype=np.float32), "NaN"),
        (np.linspace(0, 1e9, 30 * 40).astype(np.int32), "integer values span"),
    ],
)
def test_high_range_and_nan_files_are_refused_as_arrays_are(values, message, tmp_path):
    path = tmp_path / "scientific.tiff"
    Image.fromarray(values.reshape(30, 40)).save(path)
    for source in (path, values.reshape(30, 40)):
        with pytest.raises(ImageError, match=re.escape(message)):
            load_image(source)


def test_transparency_is_composited_on_white(tmp_path):
    rgba = np.zeros((20, 20, 4), dtype=np.uint8)  # fully transparent black
    rgba[:10, :, :] = (255, 0, 0, 255)  # opaque red top half
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    array = load_image(tmp_path / "a.png")
    np.testing.assert_allclose(array[0, 0], [1, 0, 0])
    np.testing.assert_allclose(array[-1, -1], [1, 1, 1])
    palette = Image.fromarray(rgba, "RGBA").convert("P")  # palette with a transparent index
    palette.save(tmp_path / "p.png", transparency=palette.getpixel((19, 19)))
    np.testing.assert_allclose(load_image(tmp_path / "p.png")[-1, -1], [1, 1, 1])


def test_exif_orientation_is_applied(tmp_path):
    image = _pil_rgb(40, 20)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    image.save(tmp_path / "rotated.jpg", exif=exif.tobytes())
    assert load_image(tmp_path / "rotated.jpg").shape == (40, 20, 3)


def test_every_source_kind_gives_the_same_pixels(tmp_path):
    pil = _pil_rgb()
    pil.save(tmp_path / "x.png")
    expected = np.asarray(pil, dtype=np.float32) / 255
    data = (tmp_path / "x.png").read_bytes()
    for source in (tmp_path / "x.png", str(tmp_path / "x.png"), data, pil, np.asarray(pil), expected):
        np.testing.assert_allclose(load_image(source), expected, atol=1e-6)


def test_url_is_downloaded_and_http_errors_are_clear():
    body = CONTENT.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/photo.jpg":
                self.send_response(200)
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        assert load_image(f"{base}/photo.jpg", size=64).shape == (48, 64, 3)
        with pytest.raises(ImageError, match="missing.jpg: could not download"):
            load_image(f"{base}/missing.jpg")
    finally:
        server.shutdown()
        server.server_close()


def test_resize_keeps_the_aspect_ratio():
    assert load_image(CONTENT, size=100).shape == (75, 100, 3)  # 1024 x 768
    assert load_image(np.zeros((200, 50, 3)), size=64).shape == (64, 16, 3)


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


BAD_FILES = {
    "missing": (None, "no such file"),
    "empty": (b"", "empty"),
    "text": (b"this is not a picture\n", "not an image"),
    "truncated": ("truncated", "truncated or corrupt"),
    "tiny": ("tiny", "too small"),
    "bomb": (_png_header_only(100_000, 100_000), "decompression bomb"),
}


def write_bad_file(kind: str, folder: Path) -> Path:
    """A bad image file of the given kind (see BAD_FILES), named .jpg or .png."""
    content, _ = BAD_FILES[kind]
    path = folder / f"{kind}.jpg"
    if content == "truncated":
        data = CONTENT.read_bytes()
        content = data[: len(data) // 3]
    elif content == "tiny":
        path = folder / "tiny.png"
        buffer = io.BytesIO()
        Image.new("RGB", (1, 1)).save(buffer, format="PNG")
        content = buffer.getvalue()
    if content is not None:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_give_a_clear_one_line_error(kind, tmp_path):
    path = write_bad_file(kind, tmp_path)
    with pytest.raises(ImageError) as info:
        load_image(path)
    message = str(info.value)
    assert path.name in message and BAD_FILES[kind][1] in message and "\n" not in message


def test_save_png_and_jpeg_round_trip(tmp_path):
    image = load_image(CONTENT, size=64)
    for name in ("out.png", "out.jpg", "sub/dir/out.jpeg"):
        path = save_image(image, tmp_path / name)
        with Image.open(path) as saved:
            assert saved.size == (64, 48) and saved.mode == "RGB"
    np.testing.assert_allclose(load_image(tmp_path / "out.png"), image, atol=1 / 255)


def test_failed_save_leaves_no_half_written_file(tmp_path, monkeypatch):
    target = tmp_path / "out.png"
    target.write_bytes(b"previous result")

    def broken_save(self, fp, *args, **kwargs):
        fp.write(b"\x89PNG half")
        raise OSError("disk full")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(ImageError, match=r"out.png: cannot write \(disk full\)"):  # one line, not a traceback
        save_image(np.zeros((20, 20, 3)), target)
    assert target.read_bytes() == b"previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_unsupported_output_format_is_refused(tmp_path):
    with pytest.raises(OptionError, match="unsupported output format"):
        save_image(np.zeros((20, 20, 3)), tmp_path / "out.gif")
    assert not list(tmp_path.iterdir())


def test_float_arrays_outside_zero_to_one_are_refused_not_clipped():
    photo = load_image(CONTENT, 32)
    for wrong in (photo * 255.0, photo * 2.0 - 1.0):  # 0-255 floats, [-1, 1] floats
        with pytest.raises(ImageError, match=r"float values span .*must hold \[0, 1\]"):
            load_image(wrong)
    overshoot = photo.copy()
    overshoot[0, 0] = [1.2, -0.1, 0.5]  # bicubic or Lanczos ringing is clipped quietly
    assert load_image(overshoot)[0, 0].tolist() == [1.0, 0.0, 0.5]


def test_a_folder_we_may_not_even_look_into_is_one_line(tmp_path, monkeypatch):
    def denied(self):  # what Path.is_dir does on Python < 3.14 for a folder without access (EACCES)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "is_dir", denied)
    with pytest.raises(OptionError, match=r"out.png: cannot write \(Permission denied\)"):
        save_image(np.zeros((20, 20, 3)), tmp_path / "private" / "out.png")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_outputs_honour_the_umask_and_keep_an_existing_files_mode(umask, tmp_path):
    old = os.umask(umask)
    try:
        path = save_image(np.zeros((16, 16, 3)), tmp_path / "new.png")
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
        private = tmp_path / "private.png"
        private.write_bytes(b"")
        private.chmod(0o600)
        save_image(np.zeros((16, 16, 3)), private)
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_a_non_finite_picture_is_never_written(tmp_path):
    image = np.zeros((16, 16, 3), np.float32)
    image[3, 3, 1] = np.nan
    with pytest.raises(ImageError, match="NaN or infinite"):
        save_image(image, tmp_path / "out.png")
    assert list(tmp_path.iterdir()) == []


def test_a_non_finite_picture_is_never_shown_nor_cast_behind_a_numpy_warning():
    from nst_core.image.encode import gif_bytes, png_bytes
    from nst_core.image.io import to_uint8

    image = np.zeros((16, 16, 3), np.float32)
    image[3, 3, 1] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "invalid value encountered in cast" would fail here
        for show in (to_uint8, png_bytes, lambda picture: gif_bytes([picture], 0.1)):
            with pytest.raises(ImageError, match="NaN or infinite"):
                show(image)
