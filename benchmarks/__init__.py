"""Benchmarks of nst_core's speed (not part of the test suite; see README "## Speed")."""

import os

# Quiet TensorFlow's C++ start-up chatter, here and in the processes the benchmarks spawn.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
