"""The clean unit's steps by name, as its stages and quarantine rows carry them. A module of its
own, without the steps' libraries, so that the process handing documents out needs none of them."""

DECODE = "decode"
EXTRACT = "extract"
METADATA = "metadata"
