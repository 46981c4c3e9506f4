"""Reproducible benchmarks: `make bench` (python -m bench).

Every figure is reported beside a baseline measured in the same run, as a ratio,
because the machines are shared and noisy. Each phase runs in its own process so
its peak RSS is its own.
"""
