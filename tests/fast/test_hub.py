"""The Hub back end on a tiny SavedModel built here: loading, the split at the style vector."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from nst_core import fast
from nst_core.errors import ModelError
from nst_core.fast.model import _square_style
from nst_core.image.io import load_image

from ..helpers import CONTENT, STYLE, STYLE_2


def test_hub_back_end_loads_a_saved_model_and_splits_it_at_the_style_vector(hub_folder):
    model = fast.load_fast_model(str(hub_folder))
    assert model.backend == "hub"
    content = load_image(CONTENT, 90)  # 68x90: any size goes through
    style = load_image(STYLE, 300)
    vector = model.style_vector(style)
    assert vector.shape == (fast.STYLE_DIM,) and vector.dtype == np.float32
    image = model.transfer(content, vector)
    assert image.shape == content.shape and 0.0 <= image.min() and image.max() <= 1.0
    # The two halves compose to exactly what the whole SavedModel computes.
    whole = tf.saved_model.load(str(hub_folder))(content[None], _square_style(style)[None])[0][0]
    np.testing.assert_allclose(image, whole.numpy(), atol=1e-5)


def test_hub_strength_and_blend(hub_folder, monkeypatch):
    monkeypatch.setenv(fast.ENV_MODEL, str(hub_folder))
    model = fast.load_fast_model()
    assert model.backend == "hub"
    content = load_image(CONTENT, 64)
    own_look = model.transfer(content, model.style_vector(content))
    np.testing.assert_allclose(fast.fast_stylize(content, STYLE, strength=0.0), own_look, atol=1e-5)
    np.testing.assert_allclose(
        fast.fast_stylize(content, [STYLE, STYLE_2], blend_weights=[0, 3]),
        fast.fast_stylize(content, STYLE_2),
        atol=1e-5,
    )


def test_saved_model_without_style_bottleneck_is_refused(tmp_path):
    class Plain(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([1, None, None, 3]), tf.TensorSpec([1, 256, 256, 3])])
        def __call__(self, content, style):
            return [content * 0.5 + tf.reduce_mean(style)]

    tf.saved_model.save(Plain(), str(tmp_path / "plain"))
    with pytest.raises(ModelError, match="bottleneck"):
        fast.load_fast_model(str(tmp_path / "plain"))
