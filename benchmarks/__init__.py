"""Measurements of nst_core (run as ``python -m benchmarks.NAME``)."""
