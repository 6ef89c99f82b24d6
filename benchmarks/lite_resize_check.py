"""Whether the Lite transfer network runs at other sizes than 384x384 (it does not).

    python -m benchmarks.lite_resize_check

Resizes the content input with ``resize_tensor_input`` + ``allocate_tensors`` and prints
the output's shape: it stays 1x384x384x3 (the graph's shapes are fixed), and the picture
is a crop of the photo, not the photo; hence nst_core.fast paints in 384 px tiles.
Writes /tmp/lite_resized.png and /tmp/lite_tiled.png to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

from nst_core.fast import load_fast_model
from nst_core.fast.lite import _interpreter
from nst_core.image.io import load_image, save_image

IMAGES = Path(__file__).resolve().parent.parent / "images"


def main() -> None:
    folder = Path(os.environ["NST_MODELS_DIR"])
    model = load_fast_model(str(folder), backend="lite")
    content = load_image(IMAGES / "tubingen.jpg", 512)  # 384x512
    vector = model.style_vector(load_image(IMAGES / "starry_night.jpg"))
    interpreter = _interpreter(folder / "style_transfer_f16_384.tflite")
    image_input = next(d for d in interpreter.get_input_details() if d["shape"][-1] == 3)
    vector_input = next(d for d in interpreter.get_input_details() if d["shape"][-1] == 100)
    interpreter.resize_tensor_input(image_input["index"], [1, *content.shape[:2], 3])
    interpreter.allocate_tensors()
    interpreter.set_tensor(image_input["index"], content[None])
    interpreter.set_tensor(vector_input["index"], vector.reshape(1, 1, 1, 100))
    interpreter.invoke()
    out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    print(f"input resized to {content.shape[:2]}, output shape {out.shape[1:3]}")
    save_image(out[0], "/tmp/lite_resized.png")
    save_image(model.transfer(content, vector), "/tmp/lite_tiled.png")


if __name__ == "__main__":
    main()
