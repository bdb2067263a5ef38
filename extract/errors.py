"""Errors that name the input and the problem, so a batch can report them and go on."""


class InputError(Exception):
    """An input file that cannot be read as a document (empty, binary, not UTF-8, unknown format)."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
