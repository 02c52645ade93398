"""The web fixtures, for the report form."""

from tests.web.conftest import browser  # noqa: F401
