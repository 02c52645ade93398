"""Identity: the territory tree, agencies, units and the people who work in them."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models


class Territory(models.Model):
    """A node of the territory tree: the country, an oblast or city of republican significance
    (ISO 3166-2 code, e.g. KG-GB), or a district inside one. `path` makes subtree queries one
    indexed prefix match ("KG/KG-GB/KG-GB-LEN/")."""

    code = models.CharField(primary_key=True, max_length=32)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    level = models.CharField(max_length=16)  # country | region | district
    name_ky = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    path = models.CharField(max_length=255, unique=True)

    def __str__(self) -> str:
        return self.code

    def region_code(self) -> str:
        """The oblast / city of republican significance this node lies in."""
        parts = self.path.strip("/").split("/")
        return parts[1] if len(parts) > 1 else parts[0]


class Agency(models.Model):
    """A state body (police, prosecution, courts, legal aid centre, prison service …)."""

    code = models.CharField(primary_key=True, max_length=32)
    kind = models.CharField(max_length=32)
    name_ky = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.code


class Unit(models.Model):
    """An office of an agency placed in the territory tree: a police department, a prosecutor's
    office, a court, a detention facility. `register_code` (4 digits) goes into case numbers."""

    code = models.CharField(primary_key=True, max_length=32)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="units")
    kind = models.CharField(max_length=32)
    level = models.CharField(max_length=16, default="district")  # district | region | national
    register_code = models.CharField(max_length=4, unique=True, null=True, blank=True)
    name_ky = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    capacity = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=username)


class User(AbstractBaseUser):
    """A member of staff. Roles grant act kinds and a read scope (see `core.roles`)."""

    username = models.CharField(max_length=64, unique=True)
    full_name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="staff")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff")
    roles = models.JSONField(default=list)
    language = models.CharField(max_length=8, default="ru")
    is_active = models.BooleanField(default=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    objects = UserManager()
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.username

    @property
    def is_staff(self) -> bool:
        return "admin" in self.roles

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


class LoginAttempt(models.Model):
    """Every login attempt, kept for the lock-out rule (5 failures in 15 minutes)."""

    username = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)
    success = models.BooleanField()
    channel = models.CharField(max_length=16)  # web | api

    def __str__(self) -> str:
        return f"{self.username} {self.at} {'ok' if self.success else 'failed'}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; it expires."""

    key_hash = models.CharField(primary_key=True, max_length=64)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="tokens")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token of {self.user_id} until {self.expires_at}"
