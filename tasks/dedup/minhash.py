"""MinHash signatures (rensa's `RMinHash`) and LSH band hashes of shingle batches.

rensa's batch call over one flat buffer of shingle hashes (`digest_matrix_from_flat_token_hashes`)
computes ~400,000 signatures/s here, so MinHash costs little next to shingling. Band hashes
fold each band's rows and the band's index into one signed 64-bit value: two documents share a
band exactly when they share that value, so candidates are one equality join, with no band
column. Signatures are kept as the low 16 bits of each minimum: the share of equal positions
still estimates Jaccard (a chance match of two different minima is 1 in 65,536) at half the
storage.
"""

from __future__ import annotations

import numpy as np
import rensa

from tasks.dedup.shingles import mix64

_BAND_MUL = np.uint64(0x9E3779B97F4A7C15)
_BAND_SALT = np.uint64(0xD1B54A32D192ED03)
ALGORITHM = f"rensa-rminhash-{getattr(rensa.RMinHash, 'ALGORITHM_VERSION', 0)}"


def signatures(shingle_hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """MinHash signatures (uint32, documents x num_perm) of documents given as flat shingle
    hashes with offsets (documents + 1)."""
    docs = len(offsets) - 1
    if docs == 0:
        return np.zeros((0, num_perm), dtype=np.uint32)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        np.ascontiguousarray(shingle_hashes, dtype=np.uint64),
        np.ascontiguousarray(offsets, dtype=np.uint64),
        num_perm,
        seed,
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(docs, num_perm)


def band_hashes(signature_matrix: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One signed 64-bit hash per band (documents x bands), salted with the band's index."""
    docs = signature_matrix.shape[0]
    values = signature_matrix[:, : bands * rows].astype(np.uint64).reshape(docs, bands, rows)
    with np.errstate(over="ignore"):
        combined = (np.arange(bands, dtype=np.uint64) + np.uint64(1)) * _BAND_SALT
        combined = np.broadcast_to(combined, (docs, bands)).copy()
        for r in range(rows):
            combined = mix64(combined * _BAND_MUL + values[:, :, r])
    return combined.view(np.int64)


def compact(signature_matrix: np.ndarray) -> np.ndarray:
    """The low 16 bits of every minimum (documents x num_perm, uint16): what is stored."""
    return (signature_matrix & np.uint32(0xFFFF)).astype(np.uint16)


def estimated_jaccard(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Jaccard estimates of row pairs of two compact signature matrices (same shape)."""
    if len(left) == 0:
        return np.zeros(0, dtype=np.float64)
    matches = (left == right).mean(axis=1)
    chance = 1.0 / 65536.0  # two different minima agree in their low 16 bits by chance
    return np.clip((matches - chance) / (1.0 - chance), 0.0, 1.0)
