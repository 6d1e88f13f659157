"""Staff pages of the awards: cycles, categories and criteria, screening."""

from nalw.awards import blueprint  # noqa: F401
