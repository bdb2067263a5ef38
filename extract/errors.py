"""Errors that name the input and the problem, so a batch can report them and go on."""


class InputError(Exception):
    """An input file that cannot be read as a document (empty, binary, not UTF-8, unknown format)."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


SKIPPED = "skipped: "


class SkippedFile(InputError):
    """A file found beside the documents that is not a document vbgraph reads (a spreadsheet, an archive,
    a web page's images): reported and counted as skipped, not as a failure.  The problem starts with
    "skipped: " and then says the format, the size and the reason."""

    def __init__(self, path, problem: str):
        super().__init__(path, SKIPPED + problem)


def is_skipped(problem: str) -> bool:
    return problem.startswith(SKIPPED)
