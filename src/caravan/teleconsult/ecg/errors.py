"""Why a file was refused, in words the uploader can act on."""


class EcgRefused(Exception):
    """A file that is not a readable ECG.

    `code` is stable and `params` hold the particulars (a file name, a byte count), so the layer that
    answers the user can word the refusal in the user's language (teleconsult/refusals.py); `message`
    is the same sentence in English, for logs and for this package used on its own.
    """

    def __init__(self, code: str, message: str, **params):
        self.code = code
        self.message = message
        self.params = params
        super().__init__(message)
