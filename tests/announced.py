"""A flow command's first lines say what it is about to do (`languages: tagging ...`) and, for
`ingest URI`, what each input was taken for (`URI: folder`); tests that count a command's error
lines leave those out."""

from __future__ import annotations

from collections.abc import Iterable


def errors_only(lines: Iterable[str], argv: list[str]) -> list[str]:
    """`lines` of a command's stderr without the lines announcing the command or its arguments."""
    announced = tuple(f"{word}: " for word in argv)
    return [line for line in lines if not line.startswith(announced)]
