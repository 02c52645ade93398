"""The web fixtures, for the pages of the register of protection orders."""

from tests.web.conftest import browser  # noqa: F401
