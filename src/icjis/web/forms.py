"""Forms of the staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    """Username, password and the one-time code of the user's authenticator app (TOTP).

    The code is required of everyone when REQUIRE_TOTP is on (production); otherwise only of
    users with a confirmed device — which the form cannot know before the user is identified, so
    `check_credentials` makes that check and the field stays optional here.
    """

    username = forms.CharField(
        label=_("Username"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=512,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp = forms.CharField(
        label=_("One-time code"),
        max_length=16,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        otp = self.fields["otp"]
        if settings.REQUIRE_TOTP:
            otp.required = True
            otp.help_text = _("The six digits shown by your authenticator app.")
        else:
            otp.help_text = _(
                "Only if your account has an authenticator app: the six digits it shows."
            )

    def clean_otp(self) -> str:
        return "".join(self.cleaned_data["otp"].split())


class FeedbackForm(forms.Form):
    """A remark about the system from a member of staff, sent from any page."""

    text = forms.CharField(
        label=_("Your remark about this page or the system"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublicFeedbackForm(forms.Form):
    """A remark from the public; no personal data is asked for (an address only if an answer is
    wanted)."""

    text = forms.CharField(
        label=_("Your remark"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    contact = forms.CharField(
        label=_("E-mail or telephone, if you want an answer"), max_length=200, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AnswerForm(forms.Form):
    """An administrator's handling of a remark."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            ("new", _("new")),
            ("in_progress", _("in progress")),
            ("answered", _("answered")),
        ],
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
