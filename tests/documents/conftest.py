"""The web fixtures, for the documents on the pages."""

from tests.web.conftest import browser  # noqa: F401
