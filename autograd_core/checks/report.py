"""The one contract of the checkers: each returns a Report, truthy when the check passes,
printed as the text users read, and with `.raise_()` to turn a failure into an AssertionError."""


class Report:
    """Base of the checkers' results. Subclasses set `ok` and define `__str__`."""

    ok = True

    def __bool__(self):
        return bool(self.ok)

    def raise_(self):
        """Raise AssertionError with the report's text if the check failed; else return self."""
        if not self.ok:
            raise AssertionError(self.failure_text())
        return self

    def failure_text(self):
        return str(self)

    def __repr__(self):
        return str(self)


class GradcheckReport(Report):
    """gradcheck's or gradgradcheck's result: the failure's explanation, or None when it passes."""

    def __init__(self, message=None):
        self.message, self.ok = message, message is None

    def __str__(self):
        return self.message or "gradients match finite differences"
