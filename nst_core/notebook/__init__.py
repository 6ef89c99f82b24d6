"""The notebook front ends: the ipywidgets apps of ``notebooks/nst.ipynb`` and ``fast.ipynb``."""

from .app import StyleApp
from .fast import StrengthSlider

__all__ = ["StrengthSlider", "StyleApp"]
