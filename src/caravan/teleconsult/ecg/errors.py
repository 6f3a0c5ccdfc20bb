"""Why a file was refused, in words the uploader can act on."""


class EcgRefused(Exception):
    """A file that is not a readable ECG; `code` is stable, `message` says what is wrong."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(message)
