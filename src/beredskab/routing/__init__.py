"""Routing: Concern and Decision, the facts table, conditions, calendar, durable-rules, the graph.

Internal: the public names are those of ``beredskab`` itself.
"""
