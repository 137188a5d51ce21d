"""Benchmarks: large synthetic databases, and the timings the issues set targets for."""
