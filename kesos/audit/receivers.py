"""Authentication events into the audit trail: logins, failures, lockouts, logouts."""

from axes.signals import user_locked_out
from django.contrib.auth import signals
from django.dispatch import receiver

from . import actions
from .services import audit_record


@receiver(signals.user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    audit_record(action=actions.LOGIN, actor=user)


@receiver(signals.user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=actions.LOGOUT, actor=user)


@receiver(signals.user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Never the password: credentials carry it, so only the username is kept.
    audit_record(action=actions.LOGIN_FAILED, username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(action=actions.LOCKED_OUT, username=username or "", detail={"ip": ip_address})
