"""The rulebook's logic: schema, importer, data loading and page rendering (no MkDocs needed)."""
