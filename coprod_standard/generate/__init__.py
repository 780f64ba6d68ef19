"""Generators that keep derived files in step with their one source of truth.

Run ``python -m coprod_standard.generate`` after changing a codelist CSV, a schema, the
issue catalogue or the CLI; the tests fail while anything generated has drifted.
"""
