"""A style-strength slider for notebooks: the picture follows the slider live.

The style vectors (of the styles and of the content itself) are computed once; moving the
slider only interpolates them and runs the transfer network, a fraction of a second at
notebook sizes, so the picture keeps up with the slider. A network trained by ``nst train``
(``model=load_fast_model("mystyle/model_float16.tflite")``) takes no style: the slider then
mixes the photo back into its painting.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import OptionError
from ..fast import FastStylizer, blend_style_vectors, load_fast_model, with_strength
from ..image.encode import png_bytes
from ..image.io import ImageSource, image_list, load_image


class StrengthSlider:
    """Shows ``content`` stylised by ``style`` with a live 0-1 strength slider.

    Args:
        content: the photo (path, URL, array...).
        style: a style image or a list of them (mixed by ``blend_weights``); None with a
            trained network (whose style is built in).
        model: a loaded :class:`~nst_core.fast.FastStylizer` (default: :func:`load_fast_model`),
            or a trained one (:class:`~nst_core.fast.TrainedStylizer`).
        size: longest side of the picture, in pixels.
        strength: the slider's starting value.

    Display it as the last expression of a cell (or with ``display``); :attr:`result` is the
    picture currently shown, a float RGB array in [0, 1].
    """

    def __init__(
        self,
        content: ImageSource,
        style: ImageSource | Sequence[ImageSource] | None = None,
        *,
        model: FastStylizer | None = None,
        size: int = 384,
        strength: float = 1.0,
        blend_weights: Sequence[float] | None = None,
    ):
        import ipywidgets as widgets

        self.model = model or load_fast_model()
        self.content = load_image(content, size)
        self._style_vector = self._content_vector = None
        if getattr(self.model, "style_built_in", False):
            if style is not None and image_list(style):
                raise OptionError(f"{self.model.location}: a trained network paints its own style; give no style")
        else:
            if style is None:
                raise OptionError("give a style image (or a model trained by nst train)")
            styles = [load_image(s) for s in image_list(style)]
            self._style_vector = blend_style_vectors(self.model, styles, blend_weights)
            self._content_vector = self.model.style_vector(self.content)
        self.slider = widgets.FloatSlider(
            value=strength, min=0.0, max=1.0, step=0.05, description="strength", continuous_update=True
        )
        # At its own pixel size: stretched to the cell's width a small picture was blurred.
        self.picture = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{self.content.shape[1]}px", height="auto")
        )
        self.widget = widgets.VBox([self.slider, self.picture])
        self.result: np.ndarray | None = None
        self.slider.observe(lambda change: self.render(change["new"]), names="value")
        self.render(strength)

    def render(self, strength: float) -> np.ndarray:
        """Stylise at ``strength`` (0 content, 1 full style), show it and return it."""
        if getattr(self.model, "style_built_in", False):
            self.result = self.model.paint(self.content, strength)  # type: ignore[attr-defined]
        else:
            vector = with_strength(self._style_vector, self._content_vector, strength)  # type: ignore[arg-type]
            self.result = self.model.transfer(self.content, vector)
        self.picture.value = png_bytes(self.result)
        return self.result

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
