"""Errors in what a user asked for or gave. Each message says what would have worked."""


class UsageError(ValueError):
    """A value the user gave (a window, a date, a kind, an id) that cannot be used."""


class ImportFailure(Exception):
    """An import that publishes nothing: a file, mapping, setting or target that cannot be used.
    The message names it; the data already serving stays serving."""
