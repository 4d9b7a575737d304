"""The generators of a language build: each does one job through the MkDocs events it
implements (see base.Generator); ``site_builder/hooks.py`` calls them in the order of
``site_builder.hooks.GENERATORS``."""
