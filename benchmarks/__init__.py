"""`make bench`: each scenario measured beside its baseline in the same run (see RESULTS.md)."""
