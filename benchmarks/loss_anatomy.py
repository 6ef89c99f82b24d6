"""Where the default loss lives, and what a coarse-scale result is worth as a full-size start.

    python -m benchmarks.loss_anatomy --size 512 --coarse-size 256

Two questions behind the speed goals, answered on the benchmark images with the default
weights (no timing, so the load does not matter):

1. Which terms make up the loss? Each weighted style layer, content and total variation, at
   the content image and after ``--steps`` L-BFGS steps at ``--coarse-size`` px.
2. Is the coarse result a good start at ``--size`` px? The full-size loss of three starts
   (the photo; the coarse result upsampled; the photo plus the upsampled coarse change, as
   nst_core.engine.pyramid does) and of each after ``--refine`` full-size L-BFGS steps.
"""

from __future__ import annotations

import argparse

import numpy as np

from .common import CONTENT, STYLE, machine, machine_note, markdown_table, write_results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512, help="full size in pixels (default 512)")
    parser.add_argument("--coarse-size", type=int, default=256, help="coarse size in pixels (default 256)")
    parser.add_argument("--steps", type=int, default=150, help="L-BFGS steps at the coarse size (default 150)")
    parser.add_argument("--refine", type=int, default=15, help="full-size steps from each start (default 15)")
    args = parser.parse_args(argv)

    import tensorflow as tf

    from nst_core.engine.optimize import optimize_image
    from nst_core.engine.vgg import VGGFeatures
    from nst_core.image.io import resize
    from nst_core.options import StyleOptions
    from nst_core.pipeline import objective_at_scale, prepare_images

    info = machine()
    options = StyleOptions(size=args.size)
    content, styles = prepare_images(str(CONTENT), str(STYLE), options)
    extractor = VGGFeatures(options.content_layers + options.style_layers)
    full, _ = objective_at_scale(options, extractor, content, styles, args.size)
    coarse, coarse_hw = objective_at_scale(options, extractor, content, styles, args.coarse_size)
    coarse_content = resize(content, coarse_hw)  # as objective_at_scale resizes it

    def parts(objective, image: np.ndarray) -> dict[str, float]:
        images = tf.constant(image[None], tf.float32)
        out = {f"style {name}": float(value) for name, value in objective.style_by_layer(images).items()}
        losses = objective(images)
        out.update(content=float(losses["content"]), tv=float(losses["tv"]), total=float(losses["total"]))
        return out

    run = optimize_image(coarse, coarse_content, args.steps)
    before, after = parts(coarse, coarse_content), parts(coarse, run.image)
    rows = [
        [name, f"{before[name]:.3g}", f"{after[name]:.3g}", f"{100 * after[name] / after['total']:.2f}%"]
        for name in before
    ]
    header = ["term", "at the photo", f"after {args.steps} L-BFGS steps", "share after"]
    table = f"Loss terms at {args.coarse_size} px:\n\n" + markdown_table(header, rows)

    def upsample(image: np.ndarray) -> np.ndarray:
        return tf.image.resize(image[None], content.shape[:2], "bicubic")[0].numpy()

    starts = {
        "the photo": content,
        f"the {args.coarse_size} px result, upsampled": np.clip(upsample(run.image), 0, 1),
        "the photo + the upsampled coarse change (nst_core.engine.pyramid)": np.clip(
            content + upsample(run.image - coarse_content), 0, 1
        ),
    }
    rows, data = [], {"terms_before": before, "terms_after": after, "starts": {}}
    for name, start in starts.items():
        refined = optimize_image(full, start, args.refine)
        history = refined.history["total"]
        data["starts"][name] = history.tolist()
        rows.append([name, f"{history[0]:.4g}", f"{refined.best_loss:.4g}"])
    header = ["start", f"loss at {args.size} px", f"after {args.refine} L-BFGS steps"]
    table += f"\nStarts at {args.size} px:\n\n" + markdown_table(header, rows)
    info["load_average_end"] = machine()["load_average"]
    note = (
        f"`python -m benchmarks.loss_anatomy --size {args.size} --coarse-size {args.coarse_size}"
        f" --steps {args.steps} --refine {args.refine}`; default weights; {machine_note(info)}"
    )
    print(table + note)
    write_results(f"loss_anatomy_{args.size}", {"args": vars(args), "machine": info, **data}, table, note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
