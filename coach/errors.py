"""Errors with a message meant for the user, one line each."""


class CoachError(Exception):
    """Base class: the message is shown to the user as it is."""


class InputError(CoachError, ValueError):
    """The user's input was refused; nothing was stored."""


class NotFoundError(CoachError, LookupError):
    """An id or name that does not exist."""


class ConfigError(CoachError):
    """The configuration could not be read or written."""


class FlowError(CoachError):
    """A flow file, or a coaching data file it relies on, is malformed; the message names the file."""


class LockedError(CoachError):
    """Another process holds the data home."""


class StoreError(CoachError):
    """The store of record could not be opened or is from a newer version."""


class LLMError(CoachError):
    """The chat model could not be reached or failed; the guided engine carries on."""


class PrivacyError(CoachError):
    """A remote model was asked for while local_only is on."""
