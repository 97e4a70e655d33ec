"""Forms of the meetings pages; schedule.py also holds the Kraków date and time fields other stages reuse."""
