"""Images in and out: loading from files, URLs, bytes and arrays, resizing, saving, encoding."""

from .encode import gif_bytes, png_bytes, write_gif
from .io import ImageSource, load_image, resize, resize_longest_side, save_image, to_pil, to_uint8

__all__ = [
    "ImageSource",
    "gif_bytes",
    "load_image",
    "png_bytes",
    "resize",
    "resize_longest_side",
    "save_image",
    "to_pil",
    "to_uint8",
    "write_gif",
]
