"""Editions of the pathway, Kraków's districts and the areas inside them."""
