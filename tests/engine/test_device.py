"""The device report the notebooks print first."""

from nst_core.engine.device import describe_devices, import_tensorflow

tf = import_tensorflow()


def _pretend_devices(monkeypatch, gpus, details):
    """TensorFlow reports ``gpus``, with ``details`` (by device name) as their details."""
    monkeypatch.setattr(
        tf.config, "list_physical_devices", lambda device_type=None: gpus if device_type == "GPU" else []
    )
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda device: details.get(device.name, {}))


def test_names_every_gpu_by_its_model_name(monkeypatch):
    gpus = [tf.config.PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(2)]
    # The second GPU has no model name in its details: its device name stands in.
    _pretend_devices(monkeypatch, gpus, {gpus[0].name: {"device_name": "Tesla T4"}})
    assert describe_devices() == "GPU: Tesla T4, /physical_device:GPU:1"


def test_says_it_runs_on_the_cpu_without_a_gpu(monkeypatch):
    _pretend_devices(monkeypatch, [], {})
    line = describe_devices()
    assert "running on the CPU" in line and "\n" not in line


def test_the_report_matches_this_machine():
    line = describe_devices()
    assert ("running on the CPU" in line) == (not tf.config.list_physical_devices("GPU"))
    assert "\n" not in line
