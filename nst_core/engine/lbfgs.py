"""L-BFGS on the pixels of an image, in TensorFlow: the runner of :mod:`nst_core.engine.optimize`.

:class:`LBFGS` takes one step per call of its traced ``step``: it updates the curvature
pairs, computes the two-loop direction in the pixels not held at a bound, takes a step capped
by what worked before and, with ``safeguard``, backtracks a step that raised the loss. Its
state lives in ``tf.Variable`` s, so one traced step serves run after run
(:class:`~nst_core.engine.optimize.PixelOptimizer` resets it between them).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import tensorflow as tf

from .choices import DEFAULT_LBFGS_HISTORY

#: Largest pixel change (of the [0, 1] range) of an L-BFGS step taken without curvature
#: information, times the learning rate: 2.55 grey levels of 255.
FIRST_STEP_PIXELS = 0.01

#: Loss parts (with ``"total"``) and the gradient of the total, for an image (height, width, 3).
LossAndGrad = Callable[[tf.Tensor], tuple[dict, tf.Tensor]]


class LBFGS:
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

    Args:
        image: the pixels optimised (height, width, 3), updated in place by each step.
        loss_and_grad: loss parts (with ``"total"``) and the gradient of the total at an image.
        learning_rate: longest quasi-Newton step, as a multiple of the direction (1: full steps).
        history_size: curvature pairs kept (each two image-sized float32 vectors).
        safeguard: backtrack a step that raised the loss instead of keeping it.
    """

    def __init__(
        self,
        image: tf.Variable,
        loss_and_grad: LossAndGrad,
        learning_rate: float,
        history_size: int = DEFAULT_LBFGS_HISTORY,
        safeguard: bool = False,
    ):
        self.image = image
        self.learning_rate = float(learning_rate)
        self.safeguard = bool(safeguard)
        self._loss_and_grad = loss_and_grad
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
        """Forget the last evaluation: the objective was redrawn (the sliced loss's directions).

        The next evaluation must not be compared with, or paired with, the last one, which
        measured another function. The curvature pairs already stored stay: they describe the
        same images' landscape closely.
        """
        self.iteration.assign(0)
        self.prev_f.assign(np.inf)

    def _direction(self, g: tf.Tensor) -> tf.Tensor:
        """Two-loop recursion: approximately -H g with the stored curvature pairs."""
        m = self.history_size
        count = self.count.read_value()
        # Read the history once: indexing the variables inside the loops would re-read all of
        # it at every iteration of both loops.
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
    def step(self) -> tuple[dict, tf.Tensor, tf.Tensor]:
        """One L-BFGS iteration: the loss parts, the image they were evaluated at, and whether it was kept.

        A trial that raised the loss is not kept (with the safeguard): the image stays the
        last kept one, whose loss is what the run's history records.
        """
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
            return parts, before, tf.constant(False)
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
        # toward the full step (as a trust region grows), instead of overshooting again at once.
        # A step without curvature pairs (the first, or after a restart) moves the pixel that
        # changes most by FIRST_STEP_PIXELS: torch's 1 / |g|_1 scaling makes that step so short
        # (shorter at larger sizes) that the float32 gradient change over it gives no usable
        # curvature pair, and L-BFGS creeps along steepest descent (see the L-BFGS design page).
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
        # unclipped run reports losses of pixels no one sees.
        self.image.assign(tf.reshape(tf.clip_by_value(x + step * direction, 0.0, 1.0), self.image.shape))
        return parts, before, tf.constant(True)
