"""Auditors' views. For now the structural layer of ``diff`` and its JSON models; the routing layer,
``beredskab.diff`` and ``beredskab diff`` are still to come (issue 10).
"""
