"""Images in and out: loading from files, URLs, bytes and arrays, resizing, saving."""

from .io import ImageSource, load_image, resize, resize_longest_side, save_image, to_pil, to_uint8

__all__ = ["ImageSource", "load_image", "resize", "resize_longest_side", "save_image", "to_pil", "to_uint8"]
