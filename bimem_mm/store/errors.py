"""The one error type of the prediction store."""


class PredictionStoreError(ValueError):
    """A prediction store is incomplete, corrupt, or does not fit its use.

    Every message starts with the path of the offending file (or the store
    directory) and names the image key when one is involved.
    """
