"""Stage IV: submission marathons, the readiness check, supporters, recording submissions, exports and outcomes."""
