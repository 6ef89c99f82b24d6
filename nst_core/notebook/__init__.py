"""The notebook front ends: the ipywidgets apps of ``notebooks/nst.ipynb``, ``fast.ipynb`` and ``train.ipynb``."""

from .app import StyleApp
from .fast import StrengthSlider
from .train import TrainApp

__all__ = ["StrengthSlider", "StyleApp", "TrainApp"]
