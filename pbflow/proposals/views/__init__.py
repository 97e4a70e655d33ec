"""The proposal pages in the browser; the "proposals" blueprint and its loaders live in pages.py."""
