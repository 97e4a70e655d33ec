"""Benchmarks only (scripts/bench, seed-bench): bulk data, the bare baseline page, gunicorn load."""
