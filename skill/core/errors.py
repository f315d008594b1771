"""The one error content raises: what is wrong, and where (file, step, field)."""
from __future__ import annotations


class ContentError(ValueError):
    """A content file is invalid. The message names the file, the step and the field."""

    def __init__(self, file: str, step: str | None, field_name: str, problem: str):
        where = f"{file}: step '{step}'" if step else file
        super().__init__(f"{where}: field '{field_name}': {problem}")
