"""A tiny stand-in for Magenta's Hub SavedModel, built by the tests (no download).

Same call as the real model: ``model(content [1,H,W,3], style [1,256,256,3])`` returns a
list whose first element is the stylised image; its style passes through a tensor named
``mobilenet_conv/Conv/BiasAdd`` (1x1x1x100), as in Magenta's graph.
"""

from __future__ import annotations

from pathlib import Path

import tensorflow as tf


class TinyMagenta(tf.Module):
    def __init__(self):
        super().__init__()
        rng = tf.random.Generator.from_seed(0)
        self.predict_kernel = tf.Variable(rng.normal([6, 100]) * 0.5)
        self.transfer_kernel = tf.Variable(rng.normal([100, 6]) * 0.5)

    @tf.function(
        input_signature=[
            tf.TensorSpec([1, None, None, 3], tf.float32),
            tf.TensorSpec([1, 256, 256, 3], tf.float32),
        ]
    )
    def __call__(self, content, style):
        mean, var = tf.nn.moments(style, axes=[1, 2])  # the style's colour statistics
        stats = tf.concat([mean, tf.sqrt(var)], axis=1)
        with tf.name_scope("mobilenet_conv/Conv"):
            vector = tf.nn.bias_add(
                tf.reshape(stats @ self.predict_kernel, [1, 1, 1, 100]), tf.zeros([100]), name="BiasAdd"
            )
        params = tf.reshape(vector, [1, 100]) @ self.transfer_kernel
        scale, shift = params[:, None, None, :3], params[:, None, None, 3:]
        return [tf.sigmoid(content * (1.0 + scale) + shift - 0.5)]


def build_fake_hub_model(folder: Path) -> Path:
    """Save the stand-in as a SavedModel in ``folder`` and return the folder."""
    tf.saved_model.save(TinyMagenta(), str(folder))
    return folder
