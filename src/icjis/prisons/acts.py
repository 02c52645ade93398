"""Act kinds of the prisons module."""
