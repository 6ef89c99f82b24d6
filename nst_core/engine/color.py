"""Colour preservation (Gatys, Ecker, Bethge, Hertzmann and Shechtman 2017, section 5).

Two ways to keep the content photo's colours while taking the painting's texture:

* ``"luminance"``: transfer style on luminance only. Content and style become grey images
  (the style's luminance matched to the content's mean and spread), the optimisation runs
  on those, and the result's luminance is recombined with the content's chroma (YIQ).
* ``"histogram"``: recolour the style image first, so its colour mean and covariance match
  the content's, then transfer as usual.
"""

from __future__ import annotations

import numpy as np

from ..errors import OptionError

PRESERVE_COLORS = ("none", "luminance", "histogram")

# NTSC YIQ: Y is luminance, I and Q carry the colour (the space Gatys et al. 2017 use).
_RGB_TO_YIQ = np.array(
    [[0.299, 0.587, 0.114], [0.595716, -0.274453, -0.321263], [0.211456, -0.522591, 0.311135]],
    dtype=np.float32,
)
_YIQ_TO_RGB = np.linalg.inv(_RGB_TO_YIQ).astype(np.float32)


def rgb_to_yiq(image: np.ndarray) -> np.ndarray:
    """RGB (..., 3) in [0, 1] to YIQ (..., 3); Y is in [0, 1]."""
    return np.asarray(image, dtype=np.float32) @ _RGB_TO_YIQ.T


def yiq_to_rgb(image: np.ndarray) -> np.ndarray:
    """YIQ (..., 3) back to RGB (not clipped)."""
    return np.asarray(image, dtype=np.float32) @ _YIQ_TO_RGB.T


def luminance(image: np.ndarray) -> np.ndarray:
    """Luminance Y of an RGB image, shape (height, width)."""
    return rgb_to_yiq(image)[..., 0]


def grey_rgb(y: np.ndarray) -> np.ndarray:
    """A luminance map as a grey RGB image, which VGG19 can read."""
    return np.repeat(np.clip(y, 0.0, 1.0)[..., None], 3, axis=-1).astype(np.float32)


def match_luminance(style: np.ndarray, content: np.ndarray) -> np.ndarray:
    """The style's luminance, shifted and scaled to the content's mean and standard deviation.

    Returned as a grey RGB image. Gatys et al. 2017 do this so that the style's overall
    brightness and contrast do not override the content's.
    """
    ys, yc = luminance(style), luminance(content)
    matched = (ys - ys.mean()) * (yc.std() / max(float(ys.std()), 1e-6)) + yc.mean()
    return grey_rgb(matched)


def combine_luminance(stylised: np.ndarray, content: np.ndarray) -> np.ndarray:
    """Luminance of ``stylised`` with the I and Q (colour) channels of ``content``."""
    yiq = rgb_to_yiq(content)
    yiq[..., 0] = luminance(stylised)
    return np.clip(yiq_to_rgb(yiq), 0.0, 1.0)


def _sqrtm(cov: np.ndarray, inverse: bool = False) -> np.ndarray:
    values, vectors = np.linalg.eigh(cov)
    values = np.clip(values, 1e-8, None)
    power = -0.5 if inverse else 0.5
    return (vectors * values**power) @ vectors.T


def match_color_histogram(source: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Recolour ``source`` so its RGB mean and covariance equal those of ``reference``.

    The linear map ``x -> C_r^(1/2) C_s^(-1/2) (x - mu_s) + mu_r`` with symmetric matrix
    square roots, the "colour histogram matching" of Gatys et al. 2017 (after Hertzmann's
    Image Analogies). Result clipped to [0, 1].
    """
    src = np.asarray(source, dtype=np.float64).reshape(-1, 3)
    ref = np.asarray(reference, dtype=np.float64).reshape(-1, 3)
    mu_s, mu_r = src.mean(0), ref.mean(0)
    transform = _sqrtm(np.cov(ref, rowvar=False)) @ _sqrtm(np.cov(src, rowvar=False), inverse=True)
    out = (src - mu_s) @ transform.T + mu_r
    return np.clip(out, 0.0, 1.0).reshape(np.shape(source)).astype(np.float32)


def check_preserve_colors(mode: str | bool | None) -> str:
    """Normalise a colour-preservation option to one of :data:`PRESERVE_COLORS`."""
    if mode is None or mode is False:
        return "none"
    if mode is True:
        return "luminance"
    if mode not in PRESERVE_COLORS:
        raise OptionError(f"preserve_colors must be one of {', '.join(PRESERVE_COLORS)}, got {mode!r}")
    return mode
