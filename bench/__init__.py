"""Benchmarks for the Safe Harbor web service: ``python -m bench`` (see bench/README.md).

A development tool that uses only the product (the request builder and the local signing CA in skill/alexa,
the understanding layer) and moto_server; it imports nothing from tests/ (it reads the understanding corpora
there as data), runs from the repo root, and builds the Lambda package with pip in a temporary folder.
"""
