"""The device report the notebooks print first."""

from nst_core.engine.device import describe_devices


def test_describe_devices_names_the_gpu_or_the_cpu():
    line = describe_devices()
    assert line.startswith("GPU: ") and "\n" not in line
