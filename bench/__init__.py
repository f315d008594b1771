"""Benchmarks for the Safe Harbor web service: ``python -m bench`` (see bench/README.md).

A development tool that uses only the product (the request builder and the local signing CA in skill/alexa)
and moto_server; it imports nothing from tests/ and runs from the repo root.
"""
