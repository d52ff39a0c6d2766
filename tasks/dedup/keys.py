"""The keys that name what stored dedup results depend on: a signature is reused while its
`signature_key` holds, a decision while its `grouping_key` holds."""

from __future__ import annotations

import hashlib
import json

from config.dedup import DedupSettings
from tasks.dedup import minhash, names, translations

_SIGNATURE_FIELDS = ("num_perm", "bands", "rows", "seed", "word_ngram", "char_ngram", "char_share", "max_numbers")


def signature_key(settings: DedupSettings) -> str:
    """Names everything a stored signature depends on."""
    fields = {k: getattr(settings, k) for k in _SIGNATURE_FIELDS}
    return _key({"algorithm": minhash.ALGORITHM, "shingles": 2, "number_window": translations.KEY_WINDOW, "numbers": translations.FINGERPRINT_VERSION, "names": names.NAMES_VERSION, **fields})


def grouping_key(settings: DedupSettings) -> str:
    """Names everything a grouping decision depends on (all settings but the batch size)."""
    fields = settings.model_dump(exclude={"signature_batch"})
    return _key({"signature": signature_key(settings), **fields})


def _key(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]
