"""Stage III forms, apart from the pages because sections.py builds the answer form too."""
