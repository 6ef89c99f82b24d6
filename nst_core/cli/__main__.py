"""``python -m nst_core.cli``: the ``nst`` command."""

import sys

from . import main

sys.exit(main())
