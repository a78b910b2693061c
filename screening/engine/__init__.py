"""One video from frames to a record: extract, analyse, assemble."""
