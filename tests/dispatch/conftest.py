"""The web fixtures, for the dispatch centre's pages."""

from tests.web.conftest import browser  # noqa: F401
