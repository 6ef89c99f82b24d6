"""Optimise the pixels of an image against an objective: Adam or L-BFGS, on any device.

Each step is one ``tf.function`` call: forward and backward through VGG19 and the update,
all on the device that holds the image. The loop reads values back to the host only when
a callback asks for them, so a GPU is never stalled by bookkeeping. The best image seen
(lowest total loss) is tracked on the device too, and is what a run returns, also after
Ctrl-C or a Stop from a callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from ..errors import OptionError
from .choices import DEFAULT_LBFGS_HISTORY, OPTIMIZERS

#: Learning rates that work with the default loss weights: L-BFGS takes full quasi-Newton
#: steps (as torch.optim.LBFGS in jcjohnson/neural-style); Adam follows the TF tutorial.
DEFAULT_LEARNING_RATE = {"lbfgs": 1.0, "adam": 0.02}
#: Largest pixel change (of the [0, 1] range) of an L-BFGS step taken without curvature
#: information, times the learning rate: 2.55 grey levels of 255.
FIRST_STEP_PIXELS = 0.01

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
    when a callback returned False.
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
        objective: Objective,
        learning_rate: float,
        beta_1: float = 0.99,
        beta_2: float = 0.999,
        epsilon: float = 2e-11,
        jit_compile: bool = False,
    ):
        self.image = image
        self.objective = objective
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = learning_rate, beta_1, beta_2, epsilon
        self._loss_and_grad = _loss_and_grad_fn(objective, jit_compile)
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
    def step(self) -> tuple[dict, tf.Tensor]:
        before = tf.identity(self.image)
        parts, grad = self._loss_and_grad(before)
        self.t.assign_add(1.0)
        alpha = self.learning_rate * tf.sqrt(1.0 - self.beta_2**self.t) / (1.0 - self.beta_1**self.t)
        self.m.assign_add((grad - self.m) * (1.0 - self.beta_1))
        self.v.assign_add((tf.square(grad) - self.v) * (1.0 - self.beta_2))
        self.image.assign(tf.clip_by_value(before - alpha * self.m / (tf.sqrt(self.v) + self.epsilon), 0.0, 1.0))
        return parts, before


class _LBFGS:
    """Limited-memory BFGS (Nocedal 1980) in TensorFlow, so it runs where the image lives.

    One call is one function evaluation: the gradient at the current image updates the
    curvature history (pairs with non-positive curvature are skipped), the two-loop
    recursion gives the search direction, and a fixed step is taken, as torch.optim.LBFGS
    does without line search in jcjohnson/neural-style, then projected onto [0, 1]; pixels held
    at a bound by their gradient are left out of the step (see ``step``). With
    ``safeguard``, a step that raised the loss is shortened instead (a backtracking line search
    whose trial point is the next evaluation, so it costs nothing extra), and the steps after it
    start from the shortened length. SciPy's L-BFGS-B
    would copy the image to the host at every evaluation.
    """

    def __init__(
        self,
        image: tf.Variable,
        objective: Objective,
        learning_rate: float,
        history_size: int = DEFAULT_LBFGS_HISTORY,
        jit_compile: bool = False,
        safeguard: bool = False,
    ):
        self.image = image
        self.objective = objective
        self.learning_rate = float(learning_rate)
        self.safeguard = bool(safeguard)
        self._loss_and_grad = _loss_and_grad_fn(objective, jit_compile)
        n = int(np.prod(image.shape))
        self.history_size = int(history_size)
        self.s = tf.Variable(tf.zeros([history_size, n]), trainable=False)
        self.y = tf.Variable(tf.zeros([history_size, n]), trainable=False)
        self.rho = tf.Variable(tf.zeros([history_size]), trainable=False)
        self.count = tf.Variable(0, trainable=False)
        self.head = tf.Variable(0, trainable=False)
        self.iteration = tf.Variable(0, trainable=False)
        self.prev_x = tf.Variable(tf.zeros([n]), trainable=False)
        self.prev_g = tf.Variable(tf.zeros([n]), trainable=False)
        self.h_diag = tf.Variable(1.0, trainable=False)
        # Safeguard state: loss at prev_x, the last direction and the step taken along it.
        self.prev_f = tf.Variable(np.inf, dtype=tf.float32, trainable=False)
        self.prev_d = tf.Variable(tf.zeros([n]), trainable=False)
        self.prev_t = tf.Variable(0.0, trainable=False)
        self.prev_gd = tf.Variable(0.0, trainable=False)
        # Longest step the next quasi-Newton step may take (see ``step``).
        self.max_step = tf.Variable(self.learning_rate, trainable=False)

    def reset(self) -> None:
        """Forget the curvature history, for a new run from a new image."""
        self.count.assign(0)
        self.head.assign(0)
        self.iteration.assign(0)
        self.h_diag.assign(1.0)
        self.prev_f.assign(np.inf)
        self.max_step.assign(self.learning_rate)

    def objective_changed(self) -> None:
        """The objective was redrawn (the sliced loss's directions): the next evaluation must not
        be compared with, or paired with, the last one, which measured another function. The
        curvature pairs already stored stay: they describe the same images' landscape closely."""
        self.iteration.assign(0)
        self.prev_f.assign(np.inf)

    def _direction(self, g: tf.Tensor) -> tf.Tensor:
        """Two-loop recursion: approximately -H g with the stored curvature pairs."""
        m = self.history_size
        count = self.count.read_value()
        # Read the history once: indexing the variables inside the loops re-reads all of it
        # at every iteration (measured at 256 px: 0.47-0.50 s per step against 0.41-0.42 s).
        s, y, rho, head = self.s.read_value(), self.y.read_value(), self.rho.read_value(), self.head.read_value()
        alphas = tf.TensorArray(tf.float32, size=count)
        q = g
        for j in tf.range(count):
            idx = tf.math.floormod(head - 1 - j, m)
            alpha = rho[idx] * tf.tensordot(s[idx], q, 1)
            q = q - alpha * y[idx]
            alphas = alphas.write(j, alpha)
        r = self.h_diag * q
        for j in tf.range(count - 1, -1, -1):
            idx = tf.math.floormod(head - 1 - j, m)
            beta = rho[idx] * tf.tensordot(y[idx], r, 1)
            r = r + s[idx] * (alphas.read(j) - beta)
        return -r

    @tf.function(reduce_retracing=True)
    def step(self) -> tuple[dict, tf.Tensor]:
        before = tf.identity(self.image)
        parts, g = self._loss_and_grad(before)
        x = tf.reshape(before, [-1])
        g = tf.reshape(g, [-1])
        f = parts["total"]
        if self.safeguard and self.iteration > 0 and not f <= self.prev_f:
            # The step raised the loss (or gave NaN): backtrack from the last good point
            # instead of accepting it. No extra evaluation is spent: this one evaluation is
            # the test, as in a backtracking line search with one trial per step.
            # Next trial: minimum of the parabola through f(0), f'(0) and f(t) (Nocedal and
            # Wright 2006, section 3.5), kept within [0.1 t, 0.5 t].
            t0 = self.prev_t
            curvature = f - self.prev_f - self.prev_gd * t0
            t = tf.where(curvature > 0, -self.prev_gd * t0 * t0 / (2.0 * curvature), 0.5 * t0)
            t = tf.clip_by_value(tf.where(tf.math.is_finite(t), t, 0.5 * t0), 0.1 * t0, 0.5 * t0)
            self.prev_t.assign(t)
            if self.count > 0:  # a quasi-Newton step was too long: so will the next ones be
                self.max_step.assign(t)
            self.iteration.assign_add(1)
            self.image.assign(tf.reshape(tf.clip_by_value(self.prev_x + t * self.prev_d, 0.0, 1.0), self.image.shape))
            return parts, before
        if self.iteration > 0:
            s = x - self.prev_x
            y = g - self.prev_g
            ys = tf.tensordot(y, s, 1)
            if ys > 1e-10:
                self.s[self.head].assign(s)
                self.y[self.head].assign(y)
                self.rho[self.head].assign(1.0 / ys)
                self.head.assign(tf.math.floormod(self.head + 1, self.history_size))
                self.count.assign(tf.minimum(self.count + 1, self.history_size))
                self.h_diag.assign(ys / tf.tensordot(y, y, 1))
        # Pixels at a bound whose gradient pushes them further out are held fixed for this
        # step (the active set of projected quasi-Newton methods, as in L-BFGS-B, Byrd et al.
        # 1995): the direction is computed and taken in the free pixels only, so the clipping
        # below does not cut steps the curvature model planned for.
        free = tf.cast(~(((x <= 0.0) & (g > 0.0)) | ((x >= 1.0) & (g < 0.0))), g.dtype)
        direction = self._direction(g * free) * free
        if tf.tensordot(direction, g, 1) > -1e-12:  # not a descent direction: restart
            self.count.assign(0)
            self.h_diag.assign(1.0)
            direction = -g * free
        # After a backtrack, quasi-Newton steps start from the step that worked and double back
        # toward the full step (as a trust region grows), instead of overshooting again at once
        # (with a 30x too long learning rate at 64 px, 18 instead of 36 of 60 evaluations are
        # wasted). A step without curvature pairs (the first, or after a restart) moves the
        # pixel that changes most by FIRST_STEP_PIXELS. torch's 1 / |g|_1 scaling moved it by
        # 2.7e-4 at 128 px (less at larger sizes): at style weights of 1 and above the float32
        # gradient change over so short a step gave no usable pair, so L-BFGS crept along
        # steepest descent (128 px, style weight 10: 8.9e11 after 30 steps, now 2.6e10).
        cap = self.max_step.read_value()
        step = tf.where(
            self.count > 0,
            cap,
            # 0 when every pixel is held at a bound: nothing can move (and no inf * 0 = NaN).
            tf.math.divide_no_nan(FIRST_STEP_PIXELS * self.learning_rate, tf.reduce_max(tf.abs(direction))),
        )
        self.max_step.assign(tf.minimum(self.learning_rate, 2.0 * cap))
        self.prev_x.assign(x)
        self.prev_g.assign(g)
        self.prev_f.assign(f)
        self.prev_d.assign(direction)
        self.prev_t.assign(step)
        self.prev_gd.assign(tf.tensordot(g, direction, 1))
        self.iteration.assign_add(1)
        # Projected onto [0, 1] like Adam's steps: the saved image is clipped anyway, and an
        # unclipped run reports losses of pixels no one sees (about 2% too low, measured).
        self.image.assign(tf.reshape(tf.clip_by_value(x + step * direction, 0.0, 1.0), self.image.shape))
        return parts, before


def _loss_and_grad_fn(objective: Objective, jit_compile: bool) -> Callable[[tf.Tensor], tuple[dict, tf.Tensor]]:
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
        if optimizer == "adam":
            self._runner = _Adam(self.image, objective, learning_rate, jit_compile=jit_compile)
        else:
            if int(lbfgs_history) != lbfgs_history or lbfgs_history < 1:
                raise OptionError(f"lbfgs_history must be a whole number >= 1, got {lbfgs_history!r}")
            self._runner = _LBFGS(self.image, objective, learning_rate, lbfgs_history, jit_compile, lbfgs_safeguard)
        self.objective = objective
        self._best_image = tf.Variable(tf.zeros(self.shape), trainable=False)
        self._best_loss = tf.Variable(np.inf, dtype=tf.float32, trainable=False)

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
                    self.objective.new_directions()
                    self._runner.objective_changed()
                parts, evaluated = self._runner.step()
                history.append(parts)
                _keep_best(parts["total"], evaluated, self._best_loss, self._best_image)
                if callback is not None and (step % callback_every == 0 or step == steps):
                    losses = {name: float(value) for name, value in parts.items()}
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
