"""Pieces every domain shares: models, permissions, htmx, i18n, mail, audit."""
