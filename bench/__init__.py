"""Benchmarks for the Safe Harbor web service: ``python -m bench`` (see bench/README.md).

A development tool: it imports the test CA from ``tests/support`` and must run from the repo root.
"""
