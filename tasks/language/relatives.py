"""Close relatives: languages a detector confuses with each other on short or plain text.

fastText's first pass is not trusted alone when it gives a relative of its answer a share of
its probability: lingua, choosing among the group and fastText's other candidates, gives the
second opinion, and fastText's support for a language counts its relatives' probability too.
The groups are the confusions measured on the benchmark's texts (Malay read as Indonesian,
Marathi as Hindi, Bokmål as Danish or Norwegian, Slovak as Czech) and well-known ones of the
same kind (Serbian, Croatian and Bosnian; fastText's `hbs` is Serbo-Croatian).
"""

from __future__ import annotations

_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"id", "ms"}),
    frozenset({"hi", "mr", "ne"}),
    frozenset({"da", "nb", "nn"}),
    frozenset({"cs", "sk"}),
    frozenset({"hr", "sr", "bs", "hbs"}),
)
_GROUP_OF = {code: group for group in _GROUPS for code in group}


def relatives(code: str) -> frozenset[str]:
    """`code` and the languages it is confused with (just `code` when there are none)."""
    return _GROUP_OF.get(code, frozenset({code}))
