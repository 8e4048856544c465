"""The plan format: models, vocabularies, the positioned YAML reader, references, schema.

Pure data and its reading; never imports routing. Internal: the public names are
those of ``beredskab`` itself.
"""
