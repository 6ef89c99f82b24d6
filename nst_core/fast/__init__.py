"""Real-time arbitrary style transfer with Magenta's network (Ghiasi et al. 2017).

A style-prediction network (MobileNet) turns a 256 px style image into a 100-number style
vector; a transfer network, conditioned on that vector by instance-norm scales and shifts,
paints the content in one forward pass. Two back ends give the same :class:`FastStylizer`:

* ``"hub"``: the TensorFlow Hub SavedModel (``tensorflow_hub.load``; the default handle is
  Magenta's arbitrary-image-stylization-v1-256, what Colab users get), any content size.
  Its style vector is the graph's ``mobilenet_conv/Conv/BiasAdd`` tensor, the bottleneck
  the Lite export names the same way; the two halves of the graph are pruned out there.
* ``"lite"``: TensorFlow's Lite export, a ``style_predict*256.tflite`` and a
  ``style_transfer*384.tflite`` file, offline. The transfer network's input is fixed at
  384x384: ``resize_tensor_input`` is accepted but the output stays 384x384 and shows a
  crop of the picture (measured; see README), so other sizes are painted in overlapping
  384 px tiles blended with linear feathering.

The model location is ``load_fast_model(location)`` or the ``NST_FAST_MODEL`` environment
variable; without either, the Lite pair in ``$NST_MODELS_DIR`` if set, else the Hub handle.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..engine import color
from ..engine.weights import normalise_weights
from ..errors import ModelError, OptionError, one_line
from ..image.io import ImageSource, load_image, resize

DEFAULT_HUB_HANDLE = "https://tfhub.dev/google/magenta/arbitrary-image-stylization-v1-256/2"
ENV_MODEL = "NST_FAST_MODEL"
ENV_MODELS_DIR = "NST_MODELS_DIR"
BACKENDS = ("auto", "hub", "lite")
#: Side of the square style image the prediction network reads, in pixels.
STYLE_SIZE = 256
#: Length of Magenta's style vector.
STYLE_DIM = 100
#: Name of the style bottleneck in Magenta's graph (and in its Lite export).
BOTTLENECK = "mobilenet_conv/Conv/BiasAdd"
#: Overlap of neighbouring Lite tiles, in pixels; the seam is cross-faded over it.
TILE_OVERLAP = 96
# Transfer networks in order of preference: float16 weights look best, int8 is smaller.
_LITE_TRANSFER = ("style_transfer_f16_384.tflite", "style_transfer_quantized_384.tflite")
_LITE_PREDICT = ("style_predict_quantized_256.tflite", "style_predict_f16_256.tflite")


def _square_style(style: np.ndarray) -> np.ndarray:
    """Centre-crop to a square and resize to 256 px: the prediction network's input.

    Cropping rather than squashing keeps the brush strokes' proportions.
    """
    style = np.asarray(style, dtype=np.float32)
    h, w = style.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    return resize(style[top : top + side, left : left + side], (STYLE_SIZE, STYLE_SIZE))


class FastStylizer:
    """One loaded Magenta model: style image -> style vector -> stylised content."""

    backend = "?"
    location = ""

    def style_vector(self, style: np.ndarray, crop: bool = True) -> np.ndarray:
        """The 100-number style vector of a float RGB image in [0, 1] (any size).

        The image is centre-cropped to a square (``crop``, which keeps brush strokes'
        proportions) or squeezed, then resized to 256 px.
        """
        square = _square_style(style) if crop else resize(np.asarray(style, np.float32), (STYLE_SIZE, STYLE_SIZE))
        vector = self._predict(square)
        return np.asarray(vector, dtype=np.float32).reshape(STYLE_DIM)

    def transfer(self, content: np.ndarray, style_vector: np.ndarray) -> np.ndarray:
        """Paint ``content`` (float RGB in [0, 1], any size) with a style vector; the result
        has the same height and width, values in [0, 1]."""
        content = np.asarray(content, dtype=np.float32)
        vector = np.asarray(style_vector, dtype=np.float32).reshape(1, 1, 1, STYLE_DIM)
        out = np.asarray(self._transfer(content, vector), dtype=np.float32)
        if out.shape[:2] != content.shape[:2]:  # strided layers round odd sizes
            out = resize(np.clip(out, 0, 1), content.shape[:2])
        return np.clip(out, 0.0, 1.0)

    def _predict(self, style256: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _transfer(self, content: np.ndarray, vector: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<FastStylizer {self.backend} {self.location}>"


class LiteStylizer(FastStylizer):
    """The TensorFlow Lite pair; content is painted in overlapping 384 px tiles."""

    backend = "lite"

    def __init__(self, predict_path: Path, transfer_path: Path):
        self.location = f"{predict_path},{transfer_path}"
        self._predictor = _interpreter(predict_path)
        self._transferer = _interpreter(transfer_path)
        inputs = self._transferer.get_input_details()
        # Which input is which: the image has 3 channels, the style vector 100.
        self._content_input = next(d for d in inputs if d["shape"][-1] == 3)
        self._vector_input = next(d for d in inputs if d["shape"][-1] == STYLE_DIM)
        self.tile = int(self._content_input["shape"][1])

    def _predict(self, style256: np.ndarray) -> np.ndarray:
        p = self._predictor
        p.set_tensor(p.get_input_details()[0]["index"], style256[None])
        p.invoke()
        return p.get_tensor(p.get_output_details()[0]["index"])

    def _paint_tile(self, tile: np.ndarray, vector: np.ndarray) -> np.ndarray:
        t = self._transferer
        t.set_tensor(self._content_input["index"], tile[None])
        t.set_tensor(self._vector_input["index"], vector)
        t.invoke()
        return t.get_tensor(t.get_output_details()[0]["index"])[0]

    def _transfer(self, content: np.ndarray, vector: np.ndarray) -> np.ndarray:
        size = self.tile
        h, w = content.shape[:2]
        # Smaller than a tile: mirror-pad (keeps the strokes' size in pixels, as the Hub
        # model at any size does) and crop the result.
        padded = np.pad(content, ((0, max(0, size - h)), (0, max(0, size - w)), (0, 0)), mode="symmetric")
        ph, pw = padded.shape[:2]
        total = np.zeros((ph, pw, 3), np.float32)
        weight = np.zeros((ph, pw, 1), np.float32)
        rows, cols = _tile_starts(ph, size), _tile_starts(pw, size)
        for top in rows:
            for left in cols:
                painted = self._paint_tile(padded[top : top + size, left : left + size], vector)
                ramp = np.outer(
                    _ramp(size, top > 0, top + size < ph),
                    _ramp(size, left > 0, left + size < pw),
                )[:, :, None]
                total[top : top + size, left : left + size] += painted * ramp
                weight[top : top + size, left : left + size] += ramp
        return (total / weight)[:h, :w]


def _tile_starts(length: int, size: int) -> list[int]:
    """Evenly spaced tile offsets covering ``length`` px with at least TILE_OVERLAP overlap."""
    if length <= size:
        return [0]
    count = math.ceil((length - TILE_OVERLAP) / (size - TILE_OVERLAP))
    return [round(x) for x in np.linspace(0, length - size, count)]


def _ramp(size: int, fade_in: bool, fade_out: bool) -> np.ndarray:
    """Blend weights along one tile side: linear over TILE_OVERLAP px on inner edges."""
    ramp = np.ones(size, np.float32)
    fade = (np.arange(TILE_OVERLAP, dtype=np.float32) + 0.5) / TILE_OVERLAP
    if fade_in:
        ramp[:TILE_OVERLAP] = fade
    if fade_out:
        ramp[-TILE_OVERLAP:] = np.minimum(ramp[-TILE_OVERLAP:], fade[::-1])
    return ramp


def _interpreter(path: Path):
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # pragma: no cover - platforms without LiteRT wheels
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
    try:
        interpreter = Interpreter(model_path=str(path))
        interpreter.allocate_tensors()
    except Exception as err:  # LiteRT raises ValueError/RuntimeError with multi-line text
        raise ModelError(f"{path}: not a loadable TensorFlow Lite model ({one_line(err)})") from None
    return interpreter


class HubStylizer(FastStylizer):
    """The TensorFlow Hub SavedModel, split at its style bottleneck into its two networks."""

    backend = "hub"

    def __init__(self, handle: str):
        import tensorflow as tf

        self.location = handle
        try:
            import tensorflow_hub as hub

            model = hub.load(handle)
        except Exception as err:  # offline, missing folder, not a SavedModel...
            raise ModelError(
                f"could not load the fast model {handle!r} ({one_line(err)}); offline, set {ENV_MODEL}"
                f" to a local SavedModel folder or the .tflite pair"
            ) from None
        self._model = model
        function = _concrete_call(model)
        if function is None:
            raise ModelError(f"{handle}: the SavedModel has no callable (content, style) signature")
        self._predict_fn, self._transfer_fn = _split_at_bottleneck(function, tf)
        if self._predict_fn is None:
            raise ModelError(f"{handle}: no style bottleneck {BOTTLENECK!r} in the model; is it Magenta's?")

    def _predict(self, style256: np.ndarray) -> np.ndarray:
        import tensorflow as tf

        return self._predict_fn(tf.constant(style256[None])).numpy()

    def _transfer(self, content: np.ndarray, vector: np.ndarray) -> np.ndarray:
        import tensorflow as tf

        return self._transfer_fn(tf.constant(content[None]), tf.constant(vector)).numpy()[0]


def _concrete_call(model):
    """The model's (content, style) -> images function, as a concrete function."""
    import tensorflow as tf

    signatures = getattr(model, "signatures", {}) or {}
    if "serving_default" in signatures:
        return signatures["serving_default"]
    call = model.__call__ if callable(model) else None
    if hasattr(call, "get_concrete_function"):
        spec = tf.TensorSpec([1, None, None, 3], tf.float32)
        try:
            return call.get_concrete_function(spec, tf.TensorSpec([1, STYLE_SIZE, STYLE_SIZE, 3], tf.float32))
        except Exception:  # noqa: BLE001 - any tracing failure means: not this signature
            return None
    return None


def _split_at_bottleneck(function, tf):
    """Prune ``function``'s graph into style image -> vector and (content, vector) -> image.

    The function is frozen first (variables become constants, nested function calls are
    inlined, as for a TF1 frozen graph), then imported into a ``tf.compat.v1.wrap_function``,
    whose ``prune`` cuts out the sub-graph between two named tensors.
    """
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    frozen = convert_variables_to_constants_v2(function)
    graph_def = frozen.graph.as_graph_def()
    names = {node.name for node in graph_def.node}
    bottleneck = next((n for n in names if n == BOTTLENECK or n.endswith("/" + BOTTLENECK)), None)
    if bottleneck is None:
        return None, None
    placeholders = [t.name for t in frozen.inputs]
    output = frozen.outputs[0].name

    def imported():
        tf.compat.v1.import_graph_def(graph_def, name="")

    wrapped = tf.compat.v1.wrap_function(imported, [])
    get = wrapped.graph.get_tensor_by_name
    # Which placeholder is the style: the one the bottleneck depends on (the content is not).
    style_name = _ancestor_input(graph_def, bottleneck, placeholders)
    content_name = next(p for p in placeholders if p != style_name)
    vector = get(bottleneck + ":0")
    predict = wrapped.prune(feeds=[get(style_name)], fetches=vector)
    transfer = wrapped.prune(feeds=[get(content_name), vector], fetches=get(output))
    return predict, transfer


def _ancestor_input(graph_def, node_name: str, placeholders: list[str]) -> str:
    inputs = {node.name: [i.split(":")[0].lstrip("^") for i in node.input] for node in graph_def.node}
    wanted = {p.split(":")[0]: p for p in placeholders}
    seen, stack = set(), [node_name]
    while stack:
        name = stack.pop()
        if name in wanted:
            return wanted[name]
        if name not in seen:
            seen.add(name)
            stack.extend(inputs.get(name, []))
    raise ModelError(f"the style bottleneck {BOTTLENECK!r} does not depend on a model input")


def _lite_pair(folder: Path) -> tuple[Path, Path] | None:
    predict = next((folder / n for n in _LITE_PREDICT if (folder / n).is_file()), None)
    transfer = next((folder / n for n in _LITE_TRANSFER if (folder / n).is_file()), None)
    return (predict, transfer) if predict and transfer else None


def _resolve(location: str | os.PathLike | Sequence | None, backend: str) -> tuple:
    """(backend, what to load) for a location: a Hub handle/URL, a SavedModel folder,
    a folder holding the .tflite pair, or the two .tflite paths (a pair or "a,b")."""
    if backend not in BACKENDS:
        raise OptionError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if location is None or location == "":
        location = os.environ.get(ENV_MODEL) or None
    if location is None:
        models = os.environ.get(ENV_MODELS_DIR)
        pair = _lite_pair(Path(models)) if models and backend != "hub" else None
        if pair:
            return ("lite", *pair)
        if backend == "lite":
            raise ModelError(f"no .tflite pair found; give the model location or set {ENV_MODELS_DIR}")
        return ("hub", DEFAULT_HUB_HANDLE)
    if isinstance(location, str) and "," in location and "://" not in location:
        location = [p.strip() for p in location.split(",")]
    if isinstance(location, (list, tuple)):
        paths = [Path(p).expanduser() for p in location]
        if len(paths) != 2 or not all(p.suffix == ".tflite" for p in paths):
            raise ModelError(f"expected two .tflite files (style predict, transfer), got {list(map(str, paths))}")
        for p in paths:
            if not p.is_file():
                raise ModelError(f"{p}: no such model file")
        if backend == "hub":
            raise ModelError("the hub back end needs a SavedModel, not .tflite files")
        # The predictor's single input is the 256 px style image; tell them apart by name.
        paths.sort(key=lambda p: "predict" not in p.name)
        return ("lite", paths[0], paths[1])
    text = str(location)
    path = Path(text).expanduser()
    if "://" in text or not (path.exists() or text.startswith((".", "/", "~"))):
        if backend == "lite":
            raise ModelError(f"{text}: the lite back end needs a folder or two .tflite files")
        return ("hub", text)  # a URL or a Hub/Kaggle handle: tensorflow_hub resolves it
    if not path.exists():
        raise ModelError(f"{path}: no such model folder or file")
    if path.is_file():
        raise ModelError(f"{path}: give the folder holding the model, or both .tflite files")
    is_saved_model = (path / "saved_model.pb").is_file()
    pair = _lite_pair(path)
    if backend == "hub" or (backend == "auto" and is_saved_model):
        if not is_saved_model:
            raise ModelError(f"{path}: no saved_model.pb, not a SavedModel folder")
        return ("hub", str(path))
    if pair is None:
        raise ModelError(f"{path}: holds neither a SavedModel nor a style_predict/style_transfer .tflite pair")
    return ("lite", *pair)


@functools.lru_cache(maxsize=4)
def _load(resolved: tuple) -> FastStylizer:
    if resolved[0] == "lite":
        return LiteStylizer(Path(resolved[1]), Path(resolved[2]))
    return HubStylizer(resolved[1])


def load_fast_model(location: str | os.PathLike | Sequence | None = None, backend: str = "auto") -> FastStylizer:
    """Load (once; later calls return the cached model) Magenta's arbitrary stylisation model.

    Args:
        location: a TensorFlow Hub handle or URL, a local SavedModel folder, a folder with
            the ``style_predict*.tflite`` / ``style_transfer*.tflite`` pair, or the two
            .tflite paths. None: ``$NST_FAST_MODEL``, else the Lite pair in
            ``$NST_MODELS_DIR``, else the Hub model (downloaded once by tensorflow_hub).
        backend: ``"auto"`` (by what ``location`` is), ``"hub"`` or ``"lite"``.

    Raises:
        ModelError: the model cannot be found or loaded (one line, e.g. offline).
    """
    resolved = _resolve(location, backend)
    return _load(tuple(str(p) for p in resolved))


def fast_stylize(
    content: ImageSource,
    style: ImageSource | Sequence[ImageSource],
    *,
    strength: float = 1.0,
    size: int | None = None,
    model: FastStylizer | None = None,
    blend_weights: Sequence[float] | None = None,
    preserve_colors: str = "none",
) -> np.ndarray:
    """Stylise in one forward pass (about a second on a CPU).

    Args:
        content: the photo (path, URL, bytes, PIL image or array).
        style: a style image, or a list of them mixed by ``blend_weights``.
        strength: 0 gives the content's own look, 1 the full style; in between the style
            vector is interpolated with the content's (Magenta's recipe).
        size: longest side of the result in pixels (None: the content's size).
        model: a loaded :class:`FastStylizer` (default :func:`load_fast_model`).
        blend_weights: relative weights of several styles (default equal).
        preserve_colors: ``"none"``, ``"luminance"`` or ``"histogram"`` (see :mod:`~nst_core.engine.color`).

    Returns:
        the stylised image, float32 (height, width, 3) in [0, 1].
    """
    check_strength(strength)
    preserve_colors = color.check_preserve_colors(preserve_colors)
    sources = list(style) if isinstance(style, (list, tuple)) else [style]
    if not sources:
        raise OptionError("at least one style image is needed")
    weights = normalise_blend_weights(blend_weights, len(sources))
    content_image = load_image(content, size)
    styles = [load_image(s) for s in sources]
    if preserve_colors == "histogram":
        styles = [color.match_color_histogram(s, content_image) for s in styles]
    model = model or load_fast_model()
    vector = blend_style_vectors(model, styles, weights)
    if strength < 1.0:
        vector = with_strength(vector, model.style_vector(content_image), strength)
    image = model.transfer(content_image, vector)
    if preserve_colors == "luminance":
        image = color.combine_luminance(image, content_image)
    return image


def check_strength(strength: float) -> float:
    """``strength`` as a float, or OptionError unless it is a number from 0 to 1."""
    if isinstance(strength, bool) or not isinstance(strength, (int, float)) or not 0.0 <= strength <= 1.0:
        raise OptionError(f"strength must be a number from 0 to 1, got {strength!r}")
    return float(strength)


def blend_style_vectors(
    model: FastStylizer, styles: Sequence[np.ndarray], weights: Sequence[float] | None = None
) -> np.ndarray:
    """The weighted mean of the styles' vectors: Magenta's way of mixing styles."""
    weights = normalise_blend_weights(weights, len(styles))
    return np.sum([w * model.style_vector(s) for w, s in zip(weights, styles, strict=True)], axis=0)


def with_strength(style_vector: np.ndarray, content_vector: np.ndarray, strength: float) -> np.ndarray:
    """Interpolate from the content's own style vector (0) to the style's (1)."""
    strength = check_strength(strength)
    return (strength * np.asarray(style_vector) + (1.0 - strength) * np.asarray(content_vector)).astype(np.float32)


def normalise_blend_weights(weights: Sequence[float] | None, count: int) -> np.ndarray:
    """The weights of ``count`` styles summing to 1 (equal by default), or OptionError."""
    return normalise_weights(weights, count, "style images", "blend weights").astype(np.float32)
