"""Many videos: local processes, a Dask cluster, evaluation against truth."""
