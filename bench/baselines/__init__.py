"""Baseline servers that Kring's fan-out is measured against, on the same server and layer."""
