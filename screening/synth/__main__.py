"""`python -m screening.synth`: see `screening.synth.cli`."""

import sys

from screening.synth.cli import main

sys.exit(main())
