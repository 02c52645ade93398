"""Projections of the prisons module, rebuilt from the ledger."""
