"""``python -m nst_core.cli``: the ``nst`` command."""

import sys

from .main import main

sys.exit(main())
