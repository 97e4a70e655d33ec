"""Past PB results imported from Pabulib files: what each district proposed, funded, and what it cost."""
