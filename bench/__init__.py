"""Kring's benchmarks: ``python -m bench.run`` (``make bench``). Not collected by pytest."""
