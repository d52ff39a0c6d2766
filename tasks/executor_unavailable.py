"""The error a run ends with when its executor cannot run the stages, apart from the executors
themselves so the command line can name it without importing Dask."""


class ExecutorUnavailable(Exception):
    """The executor cannot run the stages: its Dask scheduler does not answer, or went away."""
