"""Real-time arbitrary style transfer with Magenta's network (Ghiasi et al. 2017).

A style-prediction network (MobileNet) turns a 256 px style image into a 100-number style
vector; a transfer network, conditioned on that vector by instance-norm scales and shifts,
paints the content in one forward pass. Two back ends give the same :class:`FastStylizer`:

* ``"hub"`` (:mod:`.hub`): the TensorFlow Hub SavedModel, any content size, split at its
  style vector ``mobilenet_conv/Conv/BiasAdd`` into its two networks.
* ``"lite"`` (:mod:`.lite`): TensorFlow's Lite export, a ``style_predict*256.tflite`` and a
  ``style_transfer*384.tflite`` file, offline; its input is fixed at 384x384, so other
  sizes are painted in overlapping tiles.

A third kind is a network trained for one style by ``nst train`` (Johnson et al. 2016,
:mod:`.network`), loaded from its ``.keras`` or ``.tflite`` file by :mod:`.trained`; its
style is built in, so it takes no style image.

The modules: :mod:`.model` (the stylizer's interface, strength and blends of style
vectors), :mod:`.lite`, :mod:`.hub`, :mod:`.network` (the trainable network; imports
TensorFlow, so it is not imported here), :mod:`.trained`, :mod:`.locate` (where the model
comes from: ``load_fast_model(location)``, else ``$NST_FAST_MODEL``, else the Lite pair in
``$NST_MODELS_DIR``, else the Hub handle) and :mod:`.stylize` (:func:`fast_stylize`).
"""

from __future__ import annotations

from .hub import BOTTLENECK, HubStylizer
from .lite import TILE_OVERLAP, LiteStylizer
from .locate import BACKENDS, DEFAULT_HUB_HANDLE, ENV_MODEL, ENV_MODELS_DIR, load_fast_model
from .model import (
    STYLE_DIM,
    STYLE_SIZE,
    FastStylizer,
    blend_style_vectors,
    check_strength,
    normalise_blend_weights,
    with_strength,
)
from .stylize import fast_stylize
from .trained import TRAINED_SUFFIXES, TrainedStylizer, is_trained_network

__all__ = [
    "BACKENDS",
    "BOTTLENECK",
    "DEFAULT_HUB_HANDLE",
    "ENV_MODEL",
    "ENV_MODELS_DIR",
    "STYLE_DIM",
    "STYLE_SIZE",
    "TILE_OVERLAP",
    "TRAINED_SUFFIXES",
    "FastStylizer",
    "HubStylizer",
    "LiteStylizer",
    "TrainedStylizer",
    "blend_style_vectors",
    "check_strength",
    "fast_stylize",
    "is_trained_network",
    "load_fast_model",
    "normalise_blend_weights",
    "with_strength",
]
