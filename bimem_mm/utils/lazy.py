"""Clear errors for optional downstream libraries."""
import importlib


def require(package: str, user: str):
    """Import ``package`` or raise an ImportError that says how to get it."""
    try:
        return importlib.import_module(package)
    except ImportError as err:
        raise ImportError(
            f'{user} needs {package}, which failed to import ({err}). '
            'Install the stack with `bash tools/setup_env.sh`.') from err
