"""Short test clips made on the spot, so tests, benchmarks and notebooks need no video file.

* :func:`moving_scene`: a textured background drifting one way and a textured square
  crossing it faster, so there is motion, occlusion and disocclusion.
* :func:`pan_and_zoom`: a slow camera pan and zoom over a still photo (the "Ken Burns"
  effect), a real-looking clip from a single public-domain image.
"""

from __future__ import annotations

import numpy as np

from ..image.io import resize


def _texture(height: int, width: int, rng: np.random.Generator, blur: int = 3) -> np.ndarray:
    """Colourful smooth noise in [0, 1]: random values box-blurred a few times."""
    noise = rng.uniform(0.0, 1.0, size=(height, width, 3)).astype(np.float32)
    for _ in range(blur):
        noise = (
            noise + np.roll(noise, 1, 0) + np.roll(noise, -1, 0) + np.roll(noise, 1, 1) + np.roll(noise, -1, 1)
        ) / np.float32(5)
    low, high = noise.min(), noise.max()
    return (noise - low) / max(high - low, 1e-6)


def moving_scene(frames: int = 8, size: int = 64, seed: int = 0, speed: float = 1.0) -> list[np.ndarray]:
    """A ``size`` x ``size`` clip: background drifting ``speed`` px/frame right, square 2x faster down-left.

    Returns ``frames`` float32 RGB arrays in [0, 1]. Motion is whole pixels per frame
    times ``speed`` (rounded), so the true flow is known.
    """
    rng = np.random.default_rng(seed)
    pad = int(np.ceil(frames * speed * 2)) + size
    background = _texture(size + pad, size + pad, rng)
    square = size * 3 // 8
    # Smoother than the background: flow needs structure larger than its 8 px patches.
    patch = 1.0 - _texture(square, square, rng, blur=6)
    clip = []
    for t in range(frames):
        shift = round(t * speed)
        frame = background[pad // 2 : pad // 2 + size, pad // 2 - shift : pad // 2 - shift + size].copy()
        y = size // 4 + round(2 * t * speed)
        x = size // 2 - round(2 * t * speed)
        y0, x0 = max(y, 0), max(x, 0)
        y1, x1 = min(y + square, size), min(x + square, size)
        if y1 > y0 and x1 > x0:
            frame[y0:y1, x0:x1] = patch[y0 - y : y1 - y, x0 - x : x1 - x]
        clip.append(frame)
    return clip


def pan_and_zoom(
    image: np.ndarray, frames: int = 8, size: int = 64, pan: float = 0.15, zoom: float = 1.15
) -> list[np.ndarray]:
    """A clip of ``frames`` crops of ``image`` sliding right by ``pan`` of its width and zooming in by ``zoom``.

    Each crop has the aspect ratio of a ``size`` x ``size * 3/4`` frame and is resized to
    it (longest side ``size`` pixels, sides even).
    """
    height, width = image.shape[:2]
    out_w, out_h = size - size % 2, round(size * 0.75) // 2 * 2
    aspect = out_w / out_h
    base_h = min(height, width / aspect) / (1.0 + pan)  # room to pan at the widest crop
    clip = []
    for t in range(frames):
        f = t / max(frames - 1, 1)
        crop_h = base_h / (1.0 + (zoom - 1.0) * f)
        crop_w = crop_h * aspect
        cx = width * 0.5 + (f - 0.5) * pan * width
        cy = height * 0.5
        x0 = int(np.clip(round(cx - crop_w / 2), 0, width - crop_w))
        y0 = int(np.clip(round(cy - crop_h / 2), 0, height - crop_h))
        crop = image[y0 : y0 + round(crop_h), x0 : x0 + round(crop_w)]
        clip.append(resize(crop, (out_h, out_w)))
    return clip
