"""Projections of the probation module, rebuilt from the ledger."""
