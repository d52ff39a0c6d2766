"""Connected components of an edge list over integer node ids (union-find, vectorized).

Components are found by repeated label propagation over the edges with NumPy (each node takes
the smallest label among its neighbours, with pointer jumping), which takes a few passes even
for millions of edges, instead of a Python loop per edge.
"""

from __future__ import annotations

import numpy as np


def components(nodes: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Label of each of `nodes` (int64 ids): the smallest id of its connected component.

    `left[i]`-`right[i]` are the edges; their ends must be among `nodes`.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    if len(nodes) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(nodes)
    sorted_nodes = nodes[order]
    a = np.searchsorted(sorted_nodes, np.asarray(left, dtype=np.int64))
    b = np.searchsorted(sorted_nodes, np.asarray(right, dtype=np.int64))
    parent = np.arange(len(nodes))
    while True:
        # hook: each edge pulls the larger root under the smaller one
        ra, rb = parent[a], parent[b]
        low = np.minimum(ra, rb)
        np.minimum.at(parent, ra, low)
        np.minimum.at(parent, rb, low)
        # compress: point every node at its root
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        if np.array_equal(parent[a], parent[b]):
            break
    labels_sorted = sorted_nodes[parent]
    labels = np.empty_like(labels_sorted)
    labels[order] = labels_sorted
    return labels
