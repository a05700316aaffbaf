"""The root of every error a user of churn-scorecard can cause and fix.

Each package area subclasses :class:`ChurnError`; the CLI prints these as one clean
line (no traceback) and exits non-zero. Messages say what was found, where, what was
expected and what to do next.
"""


class ChurnError(Exception):
    """A problem the user can fix; its message says what, where and how."""

    exit_code = 2


class ConfigError(ChurnError):
    """A configuration file or value is invalid."""
