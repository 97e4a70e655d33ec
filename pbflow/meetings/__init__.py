"""Stage II: residents' meetings and online discussions."""
