"""Benchmarks: ``python -m bench.feed_bench`` (see ``bench/results.md``)."""
