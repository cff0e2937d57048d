"""Bad requests as bodies that name the resource and the field, never a traceback."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from rules import InputProblem


class Problem(BaseModel):
    """One thing wrong with a request: where (resource, field) and what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    resource: str | None = None
    field: str
    message: str


class ProblemReport(BaseModel):
    """The body of every 400, 404 and 422 answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    detail: str
    problems: tuple[Problem, ...]


class RequestError(Exception):
    """A request the service refuses, with its HTTP status and every problem found."""

    def __init__(self, status: int, detail: str, problems: Sequence[Problem]) -> None:
        super().__init__(detail)
        self.status = status
        self.report = ProblemReport(detail=detail, problems=tuple(problems))


def from_input_problems(
    problems: Sequence[InputProblem], resource: str | None = None
) -> list[Problem]:
    """The core's input problems, unchanged in wording, as request problems."""
    return [
        Problem(resource=resource, field=problem.field, message=problem.message)
        for problem in problems
    ]
