"""The meetings blueprint's route modules; pages.py holds the Blueprint and the loaders the others share."""
