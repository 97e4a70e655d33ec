"""Monitoring: planned vs achieved indicators, activity records, the pathway's funnel, and reports."""
