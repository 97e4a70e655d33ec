"""What every page shares: access rules, htmx answers, security headers, errors, navigation, the layout's
context and the page store; and the health check."""
