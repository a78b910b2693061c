"""A result as pictures and documents: evidence, HTML and PDF."""
