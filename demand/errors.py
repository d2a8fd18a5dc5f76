"""Errors in what a user asked for. Each message says what would have worked."""


class UsageError(ValueError):
    """A value the user gave (a window, a date, a kind, an id) that cannot be used."""
