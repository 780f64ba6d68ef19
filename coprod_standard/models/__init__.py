"""Typed models of the standard, one module per version (``v1_0``, ``v1_1``, ``v1_2``),
generated from the schemas by ``python -m coprod_standard.generate``.

They need pydantic v2 (``pip install "coprod-standard[models]"``); nothing else in coprod
imports them, so the rest of the toolkit works without it.
"""
