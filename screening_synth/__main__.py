"""`python -m screening_synth`: see `screening_synth.cli`."""

import sys

from screening_synth.cli import main

sys.exit(main())
