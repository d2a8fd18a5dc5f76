"""Session limits. Streamlit's identity cookie lasts 30 days and nobody checks the ID token's
expiry, so the app enforces its own: an idle limit (no page run for that long) and an
absolute limit from sign-in (the token's ``iat``)."""

from __future__ import annotations

from demand.access.config import AccessSettings


def session_expired(now: float, signed_in_at: float | None, last_active: float | None,
                    limits: AccessSettings) -> str | None:
    """Why the session must end (a sentence for the sign-in page), or None. Times are epoch
    seconds; ``signed_in_at`` None means unknown (then only the idle limit applies)."""
    if signed_in_at is not None and now - signed_in_at > limits.session_seconds:
        hours = limits.session_seconds / 3600
        return f"You were signed out: a session lasts at most {hours:g} hours. Sign in again to go on."
    if last_active is not None and now - last_active > limits.idle_seconds:
        minutes = limits.idle_seconds / 60
        return f"You were signed out after {minutes:g} minutes without activity. Sign in again to go on."
    return None
