"""Analysis of loaded plans: the decision space, the checks, ``validate()``, routing examples.

Internal: ``beredskab.validate`` and ``beredskab.Report`` are the public entry points.
"""
