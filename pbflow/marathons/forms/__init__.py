"""Stage IV forms, one module for each group of pages in views/."""
