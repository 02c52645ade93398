"""Projections of the fines module, rebuilt from the ledger."""
