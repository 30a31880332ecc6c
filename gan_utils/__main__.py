"""`python -m gan_utils ...`: see gan_utils.cli."""
import sys

from .cli import main

sys.exit(main())
