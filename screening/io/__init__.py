"""Files in and out: videos, records, annotated videos, private files."""
