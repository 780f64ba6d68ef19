"""The Co-production Data Standard toolkit: schemas, codelists and a validator.

    >>> from coprod_standard import validate
    >>> report = validate("examples/minimal.json")
    >>> report.valid
    True
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coprod-standard")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from .deferred_grammar import defer  # noqa: E402

defer()  # before jsonschema is imported: a second less for every command (see the module)

from .limits import Limits  # noqa: E402
from .report import Report  # noqa: E402
from .validate import validate  # noqa: E402

__all__ = ["Limits", "Report", "validate", "__version__"]
