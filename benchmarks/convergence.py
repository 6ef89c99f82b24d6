"""Time to the TensorFlow tutorial's final loss: the tutorial's recipe against ours, one run.

    python -m benchmarks.convergence --size 256

Same images (images/tubingen.jpg, images/starry_night.jpg), same loss and weights
(nst_core's defaults) for every method. The reference is the TF tutorial's recipe written
out plainly here: Adam (lr 0.02, beta_1 0.99, and the tutorial's epsilon 0.1 scaled to the
relative losses of nst_core.engine.losses, 2e-11; see nst_core.engine.optimize), 1000 steps from the content
image, clipped to [0, 1] after each step. Its best loss is the target; each of our methods
runs until its loss is at or below the target (or it gives up at ``--max-steps`` or after
the reference's wall time), and the table gives the wall time it needed. Timing starts
before the targets are computed, so a pyramid pays for its extra targets and tracing.
Every method runs in its own fresh process, one after the other (see benchmarks.common).
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import time

import numpy as np

from .common import (
    CONTENT,
    STYLE,
    in_fresh_process,
    machine,
    machine_note,
    markdown_table,
    peak_rss_bytes,
    rss_bytes,
    write_results,
)

#: name -> settings of our methods; "levels" > 1 is a pyramid with "coarse_steps" per coarse scale.
METHODS: dict[str, dict] = {
    "lbfgs h20 (default)": {"lbfgs_history": 20},
    "lbfgs h20 no safeguard": {"lbfgs_history": 20, "lbfgs_safeguard": False},
    "lbfgs h10": {"lbfgs_history": 10},
    "lbfgs h20 xla": {"lbfgs_history": 20, "jit_compile": True},
    "lbfgs h20 mixed precision": {"lbfgs_history": 20, "precision": "mixed"},
    "scipy L-BFGS-B m20 (host round trips)": {"scipy": 20},
    "pyramid 128->256, 50 coarse steps": {"levels": 2, "coarse_steps": 50},
    "pyramid 128->256, 100 coarse steps": {"levels": 2, "coarse_steps": 100},
}


def _setup(size: int):
    """Load the images and VGG19 (not timed: every method has them on disk and cached)."""
    from nst_core.engine.vgg import _imagenet_vgg19
    from nst_core.options import StyleOptions
    from nst_core.pipeline import prepare_images

    _imagenet_vgg19("imagenet")
    options = StyleOptions(size=size)
    content, styles = prepare_images(str(CONTENT), str(STYLE), options)
    return options, content, styles


def run_reference(size: int, steps: int) -> dict:
    """The TF tutorial's loop, plainly: Adam on the clipped pixels from the content image."""
    import tensorflow as tf

    from nst_core.engine.vgg import VGGFeatures
    from nst_core.pipeline import objective_at_scale

    options, content, styles = _setup(size)
    before = rss_bytes()
    start = time.perf_counter()
    extractor = VGGFeatures(options.content_layers + options.style_layers)
    objective, _ = objective_at_scale(options, extractor, content, styles, size)
    image = tf.Variable(content)
    opt = tf.keras.optimizers.Adam(learning_rate=0.02, beta_1=0.99, epsilon=2e-11)

    @tf.function
    def train_step():
        with tf.GradientTape() as tape:
            loss = objective(image[None])["total"]
        grad = tape.gradient(loss, image)
        opt.apply_gradients([(grad, image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))
        return loss

    times, losses = [], []
    for _ in range(steps):
        losses.append(float(train_step()))
        times.append(time.perf_counter() - start)
    # The loss of the final image (the tutorial keeps the last one), after its last update.
    final = float(objective(image[None])["total"])
    losses.append(final)
    times.append(time.perf_counter() - start)
    best = int(np.argmin(losses))
    return {
        "steps": best,
        "seconds": times[best],
        "loss": losses[best],
        "peak_mb": (peak_rss_bytes() - before) / 2**20,
        "losses": losses,
        "times": times,
    }


def run_method(size: int, settings: dict, target: float, max_steps: int, max_seconds: float) -> dict:
    """One of our methods until its full-size loss reaches ``target``; times from the start."""
    import tensorflow as tf

    from nst_core.engine.optimize import PixelOptimizer, optimize_image
    from nst_core.engine.precision import compute_dtype
    from nst_core.engine.pyramid import pyramid_sizes, run_pyramid
    from nst_core.engine.vgg import VGGFeatures
    from nst_core.pipeline import objective_at_scale

    settings = dict(settings)
    if "scipy" in settings:
        return run_scipy(size, settings["scipy"], target, max_steps, max_seconds)
    precision = settings.pop("precision", "float32")
    levels = settings.pop("levels", 1)
    coarse_steps = settings.pop("coarse_steps", 0)
    settings.setdefault("lbfgs_safeguard", True)
    options, content, styles = _setup(size)
    before = rss_bytes()
    start = time.perf_counter()
    layers = options.content_layers + options.style_layers
    extractor = VGGFeatures(layers, dtype=compute_dtype(precision))
    # A 16-bit VGG19's loss is not the target's: near the target, score the image in float32
    # (those extra forward passes are timed too).
    exact = (
        None if precision == "float32" else objective_at_scale(options, VGGFeatures(layers), content, styles, size)[0]
    )
    sizes = pyramid_sizes(size, levels)
    coarse_total = coarse_steps * (len(sizes) - 1)
    times, losses = [], []

    def callback(progress):
        if progress.step <= coarse_total:
            return None
        loss = progress.losses["total"]
        if exact is not None and loss <= 1.003 * target:
            loss = float(exact(progress.image_tensor[None])["total"])
        times.append(time.perf_counter() - start)
        losses.append(loss)
        if loss <= target or times[-1] > max_seconds:
            return False
        return None

    def make_objective(level_size: int):
        return objective_at_scale(options, extractor, content, styles, level_size)

    if len(sizes) == 1:
        run = optimize_image(make_objective(size)[0], content, max_steps, callback=callback, **settings)
    else:
        steps = [coarse_steps] * (len(sizes) - 1) + [max_steps]
        # Every scale's optimiser is made first, as a Stylizer keeps them: the peak memory counts them all.
        optimizers = []
        for level_size in sizes:
            objective, shape = make_objective(level_size)
            optimizers.append(PixelOptimizer(objective, (*shape, 3), **settings))
        run = run_pyramid(optimizers, content, steps, callback=callback)
    reached = bool(losses) and losses[-1] <= target
    # The image a user gets is clipped to [0, 1]; L-BFGS does not clip while it runs.
    clipped = float((exact or make_objective(size)[0])(tf.constant(run.image[None]))["total"])
    return {
        "sizes": sizes,
        "steps": coarse_total + len(losses),
        "full_size_steps": len(losses),
        "seconds": times[-1] if times else float("nan"),
        "loss": float(min(losses)) if losses else float("nan"),
        "clipped_loss": clipped,
        "reached": reached,
        "peak_mb": (peak_rss_bytes() - before) / 2**20,
        "losses": losses,
        "times": times,
    }


def run_scipy(size: int, history: int, target: float, max_steps: int, max_seconds: float) -> dict:
    """SciPy's L-BFGS-B (Byrd et al. 1995: bounds, More-Thuente line search) on the same loss.

    The yardstick for our in-TensorFlow L-BFGS: it copies the image and gradient between
    TensorFlow and NumPy at every evaluation, which a GPU would pay for.
    """
    import tensorflow as tf
    from scipy.optimize import minimize

    from nst_core.engine.optimize import _loss_and_grad_fn
    from nst_core.engine.vgg import VGGFeatures
    from nst_core.pipeline import objective_at_scale

    options, content, styles = _setup(size)
    before = rss_bytes()
    start = time.perf_counter()
    extractor = VGGFeatures(options.content_layers + options.style_layers)
    objective = objective_at_scale(options, extractor, content, styles, size)[0]

    loss_and_grad = tf.function(_loss_and_grad_fn(objective, jit_compile=False))

    times, losses = [], []

    def fun(x):
        parts, grad = loss_and_grad(tf.constant(x.reshape(content.shape), tf.float32))
        times.append(time.perf_counter() - start)
        losses.append(float(parts["total"]))
        if losses[-1] <= target or times[-1] > max_seconds or len(losses) >= max_steps:
            raise StopIteration
        return losses[-1], grad.numpy().ravel().astype(np.float64)

    bounds = [(0.0, 1.0)] * content.size
    limits = {"maxcor": history, "maxiter": max_steps, "maxfun": max_steps, "ftol": 0.0, "gtol": 0.0}
    with contextlib.suppress(StopIteration):
        minimize(fun, content.ravel().astype(np.float64), jac=True, method="L-BFGS-B", bounds=bounds, options=limits)
    return {
        "steps": len(losses),
        "seconds": times[-1],
        "loss": min(losses),
        "reached": min(losses) <= target,
        "peak_mb": (peak_rss_bytes() - before) / 2**20,
        "losses": losses,
        "times": times,
    }


def _report(args, info: dict, reference: dict, results: dict) -> None:
    """Print and write the table of the methods measured so far (so a stopped run keeps them)."""
    target = reference["loss"]
    info["load_average_end"] = machine()["load_average"]

    rows = []
    for name, r in results.items():
        ratio = r["seconds"] / reference["seconds"]
        reached = r.get("reached", True)
        rows.append(
            [
                name,
                r["steps"]
                if "sizes" not in r or len(r["sizes"]) == 1
                else f"{r['steps']} ({r['full_size_steps']} at full size)",
                f"{r['seconds']:.1f}" if reached else f"not reached in {r['seconds']:.0f}",
                f"{r['loss']:.4g}",
                f"{r.get('clipped_loss', r['loss']):.4g}",
                f"{ratio:.3f}" if reached else "-",
                f"{r['peak_mb']:.0f}",
            ]
        )
    header = ["method", "steps", "seconds to target", "loss", "loss of clipped image", "time / reference", "peak MB"]
    table = markdown_table(header, rows)
    note = (
        f"`python -m benchmarks.convergence {shlex.join(args.argv)}`;"
        f" target = reference's best loss {target:.5g}; {machine_note(info)}"
        " Peak MB: ru_maxrss of the method's own process minus its resident size before the run."
    )
    print(table + note)
    name = args.name or f"convergence_{args.size}"
    write_results(name, {"args": vars(args), "machine": info, "target": target, "results": results}, table, note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="longest side in pixels (default 256)")
    parser.add_argument("--reference-steps", type=int, default=1000, help="Adam steps of the reference (1000)")
    parser.add_argument("--max-steps", type=int, default=1000, help="give up after this many full-size steps")
    parser.add_argument("--methods", nargs="*", default=list(METHODS), help="subset of: " + ", ".join(METHODS))
    parser.add_argument("--name", default=None, help="results file name (default convergence_SIZE)")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)

    info = machine()
    print(f"machine: {info['uptime']}", flush=True)
    reference = in_fresh_process(run_reference, args.size, args.reference_steps)
    target = reference["loss"]
    print(f"reference: loss {target:.5g} after {reference['steps']} steps, {reference['seconds']:.1f} s", flush=True)
    results = {"reference (TF tutorial Adam)": reference}
    for name in args.methods:
        results[name] = in_fresh_process(
            run_method, args.size, METHODS[name], target, args.max_steps, reference["seconds"]
        )
        r = results[name]
        print(
            f"{name}: {r['steps']} steps, {r['seconds']:.1f} s, loss {r['loss']:.5g}, reached {r['reached']}",
            flush=True,
        )
        _report(args, info, reference, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
