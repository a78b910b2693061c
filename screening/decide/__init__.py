"""From findings to a score, a route and a program."""
