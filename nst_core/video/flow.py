"""Dense optical flow, warping, occlusion masks and the warp-error metric of video stylisation.

Conventions: a flow is float32 (height, width, 2) of pixel offsets (dx, dy). The *backward*
flow of frame t points from each pixel of frame t to where it was in frame t - 1, so
``warp(previous, backward_flow)`` moves frame t - 1 onto frame t. Flow is computed with
OpenCV's DIS (Kroeger et al. 2016), which is fast on a CPU and needs no external binary
(Ruder et al. 2016 used DeepFlow/EpicFlow executables).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..image.io import to_uint8

#: OpenCV DIS presets: ultrafast, fast, medium. "medium" is accurate enough for small clips.
DIS_PRESETS = {
    "ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
    "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
    "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
}


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(to_uint8(image), cv2.COLOR_RGB2GRAY)


def optical_flow(source: np.ndarray, target: np.ndarray, preset: str = "medium") -> np.ndarray:
    """Flow from ``source`` to ``target`` ([0, 1] RGB frames of one size), in pixels.

    ``flow[y, x] = (dx, dy)`` means the content at (x, y) in ``source`` is at
    (x + dx, y + dy) in ``target``.
    """
    dis = cv2.DISOpticalFlow.create(DIS_PRESETS[preset])
    # None: OpenCV allocates the output, which its stubs do not allow for.
    flow = dis.calc(_grey(source), _grey(target), None)  # type: ignore[call-overload]
    return flow.astype(np.float32)


def warp(image: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """Sample ``image`` at (x + dx, y + dy) for every pixel: ``out[y, x] = image[y + dy, x + dx]``.

    With the backward flow of frame t (t -> t - 1), this moves frame t - 1 onto frame t.
    Bilinear; outside the frame the nearest edge pixel is repeated (the mask marks it).
    """
    height, width = flow.shape[:2]
    grid_x, grid_y = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    map_x = grid_x + flow[..., 0]
    map_y = grid_y + flow[..., 1]
    warped = cv2.remap(
        np.asarray(image, dtype=np.float32), map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return warped.reshape(np.asarray(image).shape)


def reliability_mask(backward: np.ndarray, forward: np.ndarray) -> np.ndarray:
    """1 where frame t's pixel is reliably seen in frame t - 1, 0 where disoccluded or unsure.

    Ruder, Dosovitskiy and Brox 2016, eq. 6-7: with ``w`` the backward flow (t -> t - 1) at
    a pixel and ``w~`` the forward flow (t - 1 -> t) at the point ``w`` leads to, a
    consistent pair cancels out, so a pixel is rejected when
    ``|w~ + w|^2 > 0.01 (|w|^2 + |w~|^2) + 0.5`` (occlusion), when
    ``|grad w~x|^2 + |grad w~y|^2 > 0.01 |w~|^2 + 0.002`` (motion boundary), or when ``w``
    leads outside the frame. Returns float32 (height, width).
    """
    height, width = backward.shape[:2]
    forward_there = warp(forward, backward)
    squared = np.sum((forward_there + backward) ** 2, axis=2)
    magnitudes = np.sum(forward_there**2, axis=2) + np.sum(backward**2, axis=2)
    consistent = squared <= 0.01 * magnitudes + 0.5
    grad = np.zeros((height, width), np.float32)
    for channel in range(2):
        gy, gx = np.gradient(forward_there[..., channel])
        grad += gx**2 + gy**2
    smooth = grad <= 0.01 * np.sum(forward_there**2, axis=2) + 0.002
    grid_x, grid_y = np.meshgrid(np.arange(width), np.arange(height))
    x, y = grid_x + backward[..., 0], grid_y + backward[..., 1]
    inside = (x >= 0) & (x <= width - 1) & (y >= 0) & (y <= height - 1)
    return (consistent & smooth & inside).astype(np.float32)


def frame_flow(previous: np.ndarray, current: np.ndarray, preset: str = "medium") -> tuple[np.ndarray, np.ndarray]:
    """Backward flow (current -> previous) and its reliability mask, for one pair of frames."""
    backward = optical_flow(current, previous, preset)
    forward = optical_flow(previous, current, preset)
    return backward, reliability_mask(backward, forward)


def warp_error(current: np.ndarray, previous: np.ndarray, backward: np.ndarray, mask: np.ndarray) -> float:
    """Ruder et al.'s temporal consistency measure between two consecutive stylised frames.

    Mean over reliable pixels (``mask`` = 1) and channels of the squared difference between
    ``current`` and ``previous`` warped onto it by ``backward``, in [0, 1] intensity units
    squared. Lower means less flicker.
    """
    diff = (np.asarray(current, np.float32) - warp(previous, backward)) ** 2
    weight = mask[..., None]
    return float(np.sum(diff * weight) / max(np.sum(weight) * diff.shape[2], 1.0))


def mean_warp_error(stylised: list[np.ndarray], flows: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Mean :func:`warp_error` over a clip; ``flows[t - 1]`` is :func:`frame_flow` of frames t - 1, t."""
    errors = [
        warp_error(stylised[t], stylised[t - 1], backward, mask) for t, (backward, mask) in enumerate(flows, start=1)
    ]
    return float(np.mean(errors)) if errors else 0.0
