"""The rulebook: data, importer, analysis, search and page generators for the static site, in layer
packages (model -> data -> analysis/search -> views -> build, core below all; see ARCHITECTURE.md)."""
