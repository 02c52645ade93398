"""Act kinds of the probation module."""
