"""The optimisation engine: VGG19 features, losses, the objective and the optimisers.

Modules, bottom to top: :mod:`~nst_core.engine.device` and :mod:`~nst_core.engine.precision`
(where and in what number type VGG19 runs), :mod:`~nst_core.engine.vgg` (the feature
extractor), :mod:`~nst_core.engine.losses` (pure loss functions),
:mod:`~nst_core.engine.objective` (targets and their weighted sum),
:mod:`~nst_core.engine.color` (colour preservation), :mod:`~nst_core.engine.lbfgs` (the
L-BFGS runner), :mod:`~nst_core.engine.optimize` (Adam and the run loop),
:mod:`~nst_core.engine.pyramid` (coarse to fine) and :mod:`~nst_core.engine.memory` (will a
size fit). The engine takes plain arguments (arrays, numbers, layer names);
:class:`~nst_core.options.StyleOptions` is translated into them by :mod:`nst_core.pipeline`.
"""
