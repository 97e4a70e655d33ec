"""Stage IV pages, one blueprint a module; create_app imports and registers each of them."""
