"""whosaidwhat: who said what, and where do they stand?

The distribution bundles three subpackages kept at the top of the repository:
`whosaidwhat.corpus` (format and data), `whosaidwhat.annotate` (everything
that produces annotations) and `whosaidwhat.eval` (everything that scores them).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("whosaidwhat")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
