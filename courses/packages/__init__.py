"""Content packages: folders of YAML and Markdown that hold a programme (see content/README.md)."""
