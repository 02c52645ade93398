"""Module H: probation — pre-trial, executive, penitentiary and post-penitentiary supervision."""
