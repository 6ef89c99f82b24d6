"""The TensorFlow Hub back end: Magenta's SavedModel, cut in two at its style vector.

``tensorflow_hub.load`` gives one function, (content, style image) -> picture; the default
handle is Magenta's arbitrary-image-stylization-v1-256, what Colab users get, and it takes
any content size. Strength and blends need the style vector in between, so the graph is
pruned into its two networks at ``mobilenet_conv/Conv/BiasAdd``, the bottleneck the Lite
export names the same way.
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelError, one_line
from .model import STYLE_SIZE, FastStylizer

#: Name of the style bottleneck in Magenta's graph (and in its Lite export).
BOTTLENECK = "mobilenet_conv/Conv/BiasAdd"


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
            from .locate import ENV_MODEL, ENV_MODELS_DIR  # locate imports this module; only for the hint

            raise ModelError(
                f"could not load the fast model {handle!r} ({one_line(err)}); offline, set {ENV_MODELS_DIR}"
                f" to the folder holding Magenta's .tflite pair (or {ENV_MODEL} to a model)"
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
    # Private module, on purpose: no public API inlines a TF2 function's nested calls. The
    # SavedModel's graph is (Placeholder, StatefulPartitionedCall) with the bottleneck inside
    # the called function; tf.compat.v1.graph_util.convert_variables_to_constants on the
    # SavedModel loaded into a TF1 session freezes the variables but keeps that call, so
    # wrap_function's prune cannot reach the bottleneck. The TFLite converter uses this function too.
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
    """The placeholder among ``placeholders`` that ``node_name`` depends on (depth-first)."""
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
