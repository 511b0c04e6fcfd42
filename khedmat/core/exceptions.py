class ApplicationError(Exception):
    """A business rule refused an action. `message` is translated Persian text for the user."""

    def __init__(self, message, *, code: str = "", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
