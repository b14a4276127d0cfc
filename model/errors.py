"""Errors the detector raises; callers map them to their own protocol."""


class ArtifactError(Exception):
    """The model artifact is missing, corrupt, or does not match its recorded SHA-256."""


class InputError(ValueError):
    """The page cannot be scored as given (empty, not HTML-like at all after decoding).

    `code` is a stable machine-readable name, e.g. ``empty_document``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
