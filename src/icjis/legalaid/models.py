"""(being written)"""

from django.db import models  # noqa: F401
