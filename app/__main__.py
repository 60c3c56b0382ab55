"""`python -m bittts.app [ARGS]` (see bittts.app.main for the arguments)."""

import sys

from bittts.app.main import main

sys.exit(main())
