"""The one exception the CLI turns into a single line and a non-zero exit."""


class DreamcutError(Exception):
    """A failure an operator can act on: the message names what failed (object, migration, lock holder).

    ``exit_code`` is the process exit status the CLI uses (1 by default).
    """

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code
