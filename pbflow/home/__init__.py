"""The home page: it shows every stage (the edition's timeline, districts, verifying units), so it sits above them."""
