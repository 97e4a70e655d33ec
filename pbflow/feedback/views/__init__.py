"""Stage III pages, one blueprint per module; create_app imports each module itself, so nothing is imported here."""
