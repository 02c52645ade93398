"""`icjis makemessages`: Django's, which also extracts the refusals' templates
(`core.refusals.say`, a literal first argument, as `gettext_noop`)."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=say"]
