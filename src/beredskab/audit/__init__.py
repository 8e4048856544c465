"""Auditors' views: ``diff`` (``audit.diff``) over a structural layer keyed by id (``audit.structural``)
and a routing layer over the joint decision space (``audit.behaviour``), in the contract's models
(``audit.model``)."""
