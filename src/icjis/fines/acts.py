"""Act kinds of the fines module."""
