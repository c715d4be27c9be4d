"""Git: the repository history (revisions, approvals, action events) and the files a
branch changed. Reads git; knows nothing of the checks or MkDocs."""

from .history import RepositoryHistory

__all__ = ["RepositoryHistory"]
