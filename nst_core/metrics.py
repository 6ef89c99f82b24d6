"""How stylised is a result? Three numbers, and a fourth for distributions.

The measures of ``shared/eval/README.md``, which the project's quality benchmark
(``python -m benchmarks.quality``) reports against jcjohnson/neural-style's published
outputs. Lower is better on each; style and content distance trade against each other.

* :func:`style_distance`: Gram-matrix error relative to the style's own Gram matrices,
  averaged over VGG19's ``block1_conv1`` ... ``block5_conv1``; 0 is the style's statistics.
* :func:`content_distance`: ``block4_conv2`` feature error relative to the photo's
  features; 0 is the photo's features.
* :func:`style_judge`: an independent judge. Magenta's style-prediction network
  (Inception-v3 based, trained for another task) maps an image to a 100-number style
  vector; the judge is ``|v(out) - v(style)| / |v(content) - v(style)|``: 1 means no style
  was transferred, 0 the style's own vector. No loss of this package may use it, or it
  stops being independent.
* :func:`sliced_wasserstein_distance`: the distance of whole feature distributions (Heitz
  et al. 2021), on fixed random directions so that it repeats exactly.

The VGG19 measures always use max pooling and float32, whatever a run used, and compare
images at the output's size: the content is resized to the output's height and width and
the styles to its longest side. The output is measured rounded to 8 bits a channel, as a PNG
holds it (the notebook's download too; a JPEG's compression changes it further), so a result and
its PNG give the same numbers: the judge alone moves by up to about 0.015 with that rounding. The
photo and the paintings are used as given, so a float image off the 8-bit grid measured against
itself is at a small distance, not exactly 0.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import tensorflow as tf

from .engine.choices import DEFAULT_STYLE_LAYERS, GATYS_CONTENT_LAYER
from .engine.losses import gram_matrix, random_directions, relative_squared_error, sliced_wasserstein_loss
from .engine.objective import blended_style_grams, style_feature_samples
from .engine.vgg import VGGFeatures
from .errors import OptionError
from .image.io import ImageSource, image_list, load_image, resize, to_uint8

#: Directions per layer and seed of :func:`sliced_wasserstein_distance`.
SLICED_DIRECTIONS = 64
SLICED_SEED = 0
#: Side of the square the judge squeezes every image to, in pixels (its network's input).
JUDGE_SIZE = 256


@functools.lru_cache(maxsize=1)
def _extractor() -> VGGFeatures:
    return VGGFeatures((GATYS_CONTENT_LAYER, *DEFAULT_STYLE_LAYERS))


def _check_fits(image: np.ndarray, what: str) -> None:
    extractor = _extractor()
    extractor.check_fits(image.shape, what, f"measure images of at least {2**extractor.downsampling} px a side")


def _features(image: np.ndarray) -> dict[str, tf.Tensor]:
    _check_fits(image, "the image measured is")
    return _extractor()(tf.constant(np.asarray(image, np.float32)[None]))


def _output_and_styles(
    output: ImageSource, style: ImageSource | Sequence[ImageSource]
) -> tuple[dict[str, tf.Tensor], list[np.ndarray]]:
    """The output's features, and the paintings at the output's size (checked to fit VGG19)."""
    output = _as_saved(output)
    styles = _styles_at(output, image_list(style))
    for painting in styles:
        _check_fits(painting, "the painting at the result's size is")
    return _features(output), styles


def _as_saved(output: ImageSource) -> np.ndarray:
    """The output as a PNG holds it: 8 bits a channel (unchanged if it was read from an 8-bit file)."""
    return load_image(to_uint8(load_image(output)))


def _longest_side(image: np.ndarray) -> int:
    return int(max(image.shape[:2]))


def _styles_at(output: np.ndarray, styles: Sequence[ImageSource]) -> list[np.ndarray]:
    return [load_image(s, _longest_side(output)) for s in styles]


def style_distance(
    output: ImageSource, style: ImageSource | Sequence[ImageSource], blend_weights: Sequence[float] | None = None
) -> float:
    """Mean over VGG19's five style layers of ``mean((G_out - G_style)^2) / mean(G_style^2)``.

    ``G`` is the Gram matrix divided by the number of positions (:func:`~nst_core.engine.losses.gram_matrix`);
    several styles are compared with their blended Gram matrices. Dimensionless: 0 means the
    style's statistics exactly; jcjohnson/neural-style's published results measure 0.07-0.10.
    """
    features, styles = _output_and_styles(output, style)
    targets = blended_style_grams(_extractor(), styles, DEFAULT_STYLE_LAYERS, blend_weights)
    per_layer = [float(relative_squared_error(gram_matrix(features[n]), targets[n])) for n in DEFAULT_STYLE_LAYERS]
    return float(np.mean(per_layer))


def content_distance(output: ImageSource, content: ImageSource) -> float:
    """``mean((F_out - F_content)^2) / mean(F_content^2)`` at VGG19's ``block4_conv2``.

    Dimensionless: 0 means the photo's features exactly; jcjohnson/neural-style's published
    results measure 0.5-1.0.
    """
    output = _as_saved(output)
    content = resize(load_image(content), output.shape[:2])
    layer = GATYS_CONTENT_LAYER
    return float(relative_squared_error(_features(output)[layer], _features(content)[layer]))


def sliced_wasserstein_distance(
    output: ImageSource, style: ImageSource | Sequence[ImageSource], blend_weights: Sequence[float] | None = None
) -> float:
    """Relative sliced Wasserstein distance of the feature distributions, mean over the style layers.

    As :func:`~nst_core.engine.losses.sliced_wasserstein_loss`, on :data:`SLICED_DIRECTIONS` fixed
    random directions per layer (seed :data:`SLICED_SEED`), so the same images always give
    the same number. Dimensionless; 0 for identical distributions.
    """
    features, styles = _output_and_styles(output, style)
    samples = style_feature_samples(_extractor(), styles, DEFAULT_STYLE_LAYERS, blend_weights)
    generator = tf.random.Generator.from_seed(SLICED_SEED)
    values = []
    for name in DEFAULT_STYLE_LAYERS:
        directions = random_directions(generator, int(features[name].shape[-1]), SLICED_DIRECTIONS)
        values.append(float(sliced_wasserstein_loss(features[name], *samples[name], directions)))
    return float(np.mean(values))


def style_judge(
    output: ImageSource,
    content: ImageSource,
    style: ImageSource | Sequence[ImageSource],
    blend_weights: Sequence[float] | None = None,
    model=None,
) -> float:
    """The independent judge: ``|v(out) - v(style)| / |v(content) - v(style)|``.

    ``v`` is the 100-number style vector of Magenta's style-prediction network (Ghiasi et al.
    2017) for the image squeezed to 256x256 px, the photo and the styles first brought to the
    output's size (so a small result is not judged against sharper paintings); several styles are judged against their
    blended vector. 1 means no style was transferred, 0 the style's own vector, values
    above 1 a result farther from the style than the photo. ``model`` is a loaded
    :class:`~nst_core.fast.FastStylizer` (default :func:`~nst_core.fast.load_fast_model`:
    the Lite pair of ``$NST_MODELS_DIR``, as ``shared/eval`` specifies, else Magenta's Hub
    model, whose float weights give slightly different numbers).
    """
    from .fast import load_fast_model, normalise_blend_weights

    output = _as_saved(output)
    styles = _styles_at(output, image_list(style))
    if not styles:
        raise OptionError("at least one style image is needed")
    weights = normalise_blend_weights(blend_weights, len(styles))
    model = model or load_fast_model()

    def vector(image: np.ndarray) -> np.ndarray:
        return model.style_vector(resize(image, (JUDGE_SIZE, JUDGE_SIZE)), crop=False)

    style_vector = np.sum([w * vector(s) for w, s in zip(weights, styles, strict=True)], axis=0)
    to_photo = float(np.linalg.norm(vector(resize(load_image(content), output.shape[:2])) - style_vector))
    if to_photo < 1e-3 * max(float(np.linalg.norm(style_vector)), 1e-12):
        raise OptionError("the judge sees the photo and the painting as the same style, so it cannot rate a transfer")
    return float(np.linalg.norm(vector(output) - style_vector)) / to_photo


@dataclass(frozen=True)
class QualityReport:
    """The quality numbers of one result (see :mod:`nst_core.metrics`); lower is better on each.

    ``style_judge`` is None where no Magenta model could be loaded.
    """

    style_distance: float
    content_distance: float
    style_judge: float | None
    sliced_wasserstein: float

    def as_dict(self) -> dict[str, float | None]:
        """The numbers by name, for JSON."""
        return asdict(self)

    def __str__(self) -> str:
        judge = "unavailable" if self.style_judge is None else f"{self.style_judge:.3f}"
        return (
            f"style distance {self.style_distance:.4f} (0 = the style's statistics)\n"
            f"content distance {self.content_distance:.4f} (0 = the photo's features)\n"
            f"style judge {judge} (1 = no style transferred, 0 = the style's own look)\n"
            f"sliced Wasserstein {self.sliced_wasserstein:.4f}"
        )


def quality(
    output: ImageSource,
    content: ImageSource,
    style: ImageSource | Sequence[ImageSource],
    blend_weights: Sequence[float] | None = None,
    judge_model=None,
) -> QualityReport:
    """Every quality number of ``output``, painted from ``content`` in ``style``.

    The judge is left out (None) with a :class:`~nst_core.errors.ModelError` from loading
    its model, for example offline without ``$NST_MODELS_DIR``.
    """
    from .errors import ModelError

    output = load_image(output)  # read once; each measure rounds it as a PNG would
    try:
        judge = style_judge(output, content, style, blend_weights, model=judge_model)
    except ModelError:
        judge = None
    return QualityReport(
        style_distance=style_distance(output, style, blend_weights),
        content_distance=content_distance(output, content),
        style_judge=judge,
        sliced_wasserstein=sliced_wasserstein_distance(output, style, blend_weights),
    )
