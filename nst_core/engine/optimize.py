"""Optimise the pixels of an image against an objective: Adam or L-BFGS, on any device.

Each step is one ``tf.function`` call: forward and backward through VGG19 and the update,
all on the device that holds the image. The loop reads values back to the host only when
a callback asks for them, so a GPU is never stalled by bookkeeping. The best image seen
(lowest total loss) is tracked on the device too, and is what a run returns, also after
Ctrl-C or a Stop from a callback. The L-BFGS runner is :mod:`nst_core.engine.lbfgs`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from ..errors import OptionError
from .choices import DEFAULT_LBFGS_HISTORY, OPTIMIZERS
from .lbfgs import LBFGS, LossAndGrad

#: Learning rates that work with the default loss weights: L-BFGS takes full quasi-Newton
#: steps (as torch.optim.LBFGS in jcjohnson/neural-style); Adam follows the TF tutorial.
DEFAULT_LEARNING_RATE = {"lbfgs": 1.0, "adam": 0.02}

Objective = Callable[[tf.Tensor], dict]


@dataclass
class Progress:
    """What a callback receives: where the run is, its loss parts, and the current image."""

    step: int
    steps: int
    losses: dict[str, float]
    image_tensor: tf.Tensor = field(repr=False)
    #: Applied to the image before it is shown (colour preservation recolours it).
    finish: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)

    @property
    def image(self) -> np.ndarray:
        """Current image, float RGB (height, width, 3) clipped to [0, 1]."""
        image = np.clip(self.image_tensor.numpy(), 0.0, 1.0)
        return self.finish(image) if self.finish is not None else image


Callback = Callable[[Progress], "bool | None"]


@dataclass
class OptimizationResult:
    """Best image of a run, its per-step loss history, and how the run ended.

    ``history[name][k]`` is loss part ``name`` of the image before update ``k``.
    ``stopped`` is None for a complete run, ``"interrupted"`` after Ctrl-C, ``"callback"``
    when a callback returned False, ``"diverged"`` when the loss became infinite or NaN (seen
    at a callback; the image is then the best finite one, and no callback got the bad one).
    """

    image: np.ndarray
    history: dict[str, np.ndarray]
    seconds: float
    steps: int
    best_loss: float
    stopped: str | None = None


class _Adam:
    """Adam (Kingma and Ba 2015) on the pixels, clipped to [0, 1] after every update.

    The update is Keras's (bias correction folded into the step size, epsilon added to the
    root of the second moment), written out so that its state can be reset between runs
    without tracing the step again. ``beta_1 = 0.99`` is the TF tutorial's (the loss surface
    of pixels is noisy). Its ``epsilon = 0.1`` was set against that tutorial's loss scale
    (pixel gradients ~6e7 at 64 px); the relative losses of :mod:`nst_core.engine.losses` give
    gradients ~1e-2, so the same ratio is ``epsilon = 2e-11``: Adam's per-pixel step sizes
    adapt as they did there.
    """

    def __init__(
        self,
        image: tf.Variable,
        loss_and_grad: LossAndGrad,
        learning_rate: float,
        beta_1: float = 0.99,
        beta_2: float = 0.999,
        epsilon: float = 2e-11,
    ):
        self.image = image
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = learning_rate, beta_1, beta_2, epsilon
        self._loss_and_grad = loss_and_grad
        self.m = tf.Variable(tf.zeros_like(image), trainable=False)
        self.v = tf.Variable(tf.zeros_like(image), trainable=False)
        self.t = tf.Variable(0.0, trainable=False)

    def reset(self) -> None:
        """Forget the moments, for a new run from a new image."""
        self.m.assign(tf.zeros_like(self.m))
        self.v.assign(tf.zeros_like(self.v))
        self.t.assign(0.0)

    def objective_changed(self) -> None:
        """Nothing to do: Adam's moments average gradients of whatever objective they came from."""

    @tf.function(reduce_retracing=True)
    def step(self) -> tuple[dict, tf.Tensor, tf.Tensor]:
        """One Adam update: the loss parts, the image they were evaluated at, and True (kept)."""
        before = tf.identity(self.image)
        parts, grad = self._loss_and_grad(before)
        self.t.assign_add(1.0)
        alpha = self.learning_rate * tf.sqrt(1.0 - self.beta_2**self.t) / (1.0 - self.beta_1**self.t)
        self.m.assign_add((grad - self.m) * (1.0 - self.beta_1))
        self.v.assign_add((tf.square(grad) - self.v) * (1.0 - self.beta_2))
        self.image.assign(tf.clip_by_value(before - alpha * self.m / (tf.sqrt(self.v) + self.epsilon), 0.0, 1.0))
        return parts, before, tf.constant(True)


def _loss_and_grad_fn(objective: Objective, jit_compile: bool) -> LossAndGrad:
    """Loss parts and the gradient of the total with respect to the image (height, width, 3).

    With ``jit_compile`` the VGG19 forward and backward pass (nearly all of a step's time)
    is compiled by XLA; the optimiser's own bookkeeping stays outside, so its loops over a
    variable number of history pairs need no static shapes.
    """

    def loss_and_grad(image: tf.Tensor) -> tuple[dict, tf.Tensor]:
        with tf.GradientTape() as tape:
            tape.watch(image)
            parts = objective(image[None])
        return parts, tape.gradient(parts["total"], image)

    return tf.function(loss_and_grad, jit_compile=True) if jit_compile else loss_and_grad


@tf.function(reduce_retracing=True)
def _keep_best(loss: tf.Tensor, image: tf.Tensor, best_loss: tf.Variable, best_image: tf.Variable) -> None:
    """On the device: remember ``image`` if its loss is the lowest so far (NaN never is).

    Module-level, with the variables as arguments, so it is traced once per image shape,
    not once per optimiser.
    """
    if loss < best_loss:
        best_loss.assign(loss)
        best_image.assign(image)


def _check_run(steps: int, callback_every: int) -> None:
    if int(steps) != steps or steps < 0:
        raise OptionError(f"steps must be a whole number >= 0, got {steps!r}")
    if int(callback_every) != callback_every or callback_every < 1:
        raise OptionError(f"callback_every must be a whole number >= 1, got {callback_every!r}")


def _checked_learning_rate(optimizer: str, learning_rate: float | None) -> float:
    """The step size to use with ``optimizer`` (its default if None); OptionError if either is wrong."""
    if optimizer not in OPTIMIZERS:
        raise OptionError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, got {optimizer!r}")
    learning_rate = DEFAULT_LEARNING_RATE[optimizer] if learning_rate is None else float(learning_rate)
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise OptionError(f"learning rate must be > 0, got {learning_rate!r}")
    return learning_rate


class PixelOptimizer:
    """Minimises one objective over images of one shape, run after run, with one traced step.

    Tracing a step (its ``tf.function``) costs about a second of Python work whatever the
    image size or device (1.0-1.25 s per video frame, ``benchmarks.video_speed``);
    :func:`optimize_image` pays it on every call. A video, whose frames all have one shape,
    builds one ``PixelOptimizer`` per clip and pays it once. Between runs the objective may change only through ``tf.Variable`` s it reads
    (such as :meth:`StyleObjective.set_content <nst_core.engine.objective.StyleObjective.set_content>`):
    the trace fixes everything else.

    Args:
        objective, optimizer, learning_rate, lbfgs_history, jit_compile, lbfgs_safeguard:
            as for :func:`optimize_image`.
        shape: (height, width, 3) of the images, in pixels.
    """

    def __init__(
        self,
        objective: Objective,
        shape: tuple[int, ...],
        optimizer: str = "lbfgs",
        learning_rate: float | None = None,
        lbfgs_history: int = DEFAULT_LBFGS_HISTORY,
        *,
        jit_compile: bool = False,
        lbfgs_safeguard: bool = True,
    ):
        learning_rate = _checked_learning_rate(optimizer, learning_rate)
        self.shape = tuple(int(n) for n in shape)
        self.image = tf.Variable(tf.zeros(self.shape), trainable=True, name="image")
        self._runner: _Adam | LBFGS
        if optimizer == "adam":
            self._runner = _Adam(self.image, _loss_and_grad_fn(objective, jit_compile), learning_rate)
        else:
            if int(lbfgs_history) != lbfgs_history or lbfgs_history < 1:
                raise OptionError(f"lbfgs_history must be a whole number >= 1, got {lbfgs_history!r}")
            loss_and_grad = _loss_and_grad_fn(objective, jit_compile)
            self._runner = LBFGS(self.image, loss_and_grad, learning_rate, lbfgs_history, lbfgs_safeguard)
        self.objective = objective
        self._best_image = tf.Variable(tf.zeros(self.shape), trainable=False)
        self._best_loss = tf.Variable(np.inf, dtype=tf.float32, trainable=False)

    @property
    def traces(self) -> int:
        """How many times the optimisation step (a ``tf.function``) has been traced.

        1 after any number of runs: each trace costs about a second of Python work, which is
        what reusing one ``PixelOptimizer`` saves. A retrace means something the trace fixed
        changed between runs.
        """
        return int(self._runner.step.experimental_get_tracing_count())

    def run(
        self, init: np.ndarray, steps: int, callback: Callback | None = None, callback_every: int = 1
    ) -> OptimizationResult:
        """Minimise from ``init`` for ``steps`` updates; see :func:`optimize_image`."""
        _check_run(steps, callback_every)
        init = np.asarray(init, dtype=np.float32)
        if init.shape != self.shape:
            raise OptionError(f"this optimizer works on images of shape {self.shape}, got {init.shape}")
        self.image.assign(init)
        self._runner.reset()
        self._best_image.assign(init)
        self._best_loss.assign(np.inf)

        history: list[dict[str, tf.Tensor]] = []
        stopped = None
        # A stochastic objective (the sliced loss's random directions) is redrawn between steps,
        # every `redraw_every` steps, never within one; the optimiser is told, so that it never
        # compares or pairs two evaluations of different functions.
        redraw_every = int(getattr(self.objective, "redraw_every", 0))
        start = time.perf_counter()
        try:
            for step in range(1, int(steps) + 1):
                if redraw_every and step > 1 and (step - 1) % redraw_every == 0:
                    self.objective.new_directions()  # type: ignore[attr-defined]  # has redraw_every
                    self._runner.objective_changed()
                parts, evaluated, kept = self._runner.step()
                _keep_best(parts["total"], evaluated, self._best_loss, self._best_image)
                if history:  # after a rejected trial the image is still the last kept one; chosen
                    # on the device, as reading `kept` on the host would wait for every step
                    parts = {name: tf.where(kept, value, history[-1][name]) for name, value in parts.items()}
                history.append(parts)
                if callback is not None and (step % callback_every == 0 or step == steps):
                    losses = {name: float(value) for name, value in parts.items()}
                    if not math.isfinite(losses["total"]):  # weights too large: nothing good follows
                        stopped = "diverged"
                        break
                    if callback(Progress(step, int(steps), losses, evaluated)) is False:
                        stopped = "callback"
                        break
        except KeyboardInterrupt:
            stopped = "interrupted"
        taken = len(history)
        if not history:  # zero steps (or stopped during the first): the initial image is the answer
            parts = self.objective(self._best_image[None])  # the image returned, even if a step moved self.image
            history.append(parts)
            self._best_loss.assign(parts["total"])
        seconds = time.perf_counter() - start
        names = list(history[0])
        return OptimizationResult(
            image=np.clip(self._best_image.numpy(), 0.0, 1.0),
            history={name: tf.stack([p[name] for p in history]).numpy().astype(np.float64) for name in names},
            seconds=seconds,
            steps=taken,
            best_loss=float(self._best_loss.numpy()),
            stopped=stopped,
        )


def optimize_image(
    objective: Objective,
    init: np.ndarray,
    steps: int,
    optimizer: str = "lbfgs",
    learning_rate: float | None = None,
    callback: Callback | None = None,
    callback_every: int = 1,
    lbfgs_history: int = DEFAULT_LBFGS_HISTORY,
    *,
    jit_compile: bool = False,
    lbfgs_safeguard: bool = True,
) -> OptimizationResult:
    """Minimise ``objective`` over the pixels of ``init`` for ``steps`` updates.

    Args:
        objective: maps an image batch (1, height, width, 3) to a dict of loss parts with
            at least ``"total"`` (for example a :class:`~nst_core.engine.objective.StyleObjective`).
        init: starting image, float RGB (height, width, 3) in [0, 1].
        steps: number of updates (each one VGG19 forward and backward pass).
        optimizer: ``"lbfgs"`` (default; fewer steps to a good picture) or ``"adam"``.
        learning_rate: step size; None picks :data:`DEFAULT_LEARNING_RATE`.
        callback: called every ``callback_every`` steps and after the last with a
            :class:`Progress`; returning False stops the run (the best image is kept).
        callback_every: steps between calls of ``callback``.
        lbfgs_history: L-BFGS memory size (pairs).
        jit_compile: compile the VGG19 forward and backward pass with XLA.
        lbfgs_safeguard: L-BFGS backtracks a step that raised the loss instead of keeping it.

    Ctrl-C during the run stops it and returns the best image so far with
    ``stopped="interrupted"``. Many runs on images of one shape are cheaper with one
    :class:`PixelOptimizer`.
    """
    _check_run(steps, callback_every)  # before the optimiser's state is allocated
    init = np.asarray(init, dtype=np.float32)
    pixel_optimizer = PixelOptimizer(
        objective,
        init.shape,
        optimizer,
        learning_rate,
        lbfgs_history,
        jit_compile=jit_compile,
        lbfgs_safeguard=lbfgs_safeguard,
    )
    return pixel_optimizer.run(init, steps, callback, callback_every)
