"""Connected components of an edge list over integer node ids (union-find, vectorized).

Components are found by repeated label propagation over the edges with NumPy (each node takes
the smallest label among its neighbours, with pointer jumping), which takes a few passes even
for millions of edges, instead of a Python loop per edge.
"""

from __future__ import annotations

from collections.abc import Mapping

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


def join_disjoint(
    nodes: np.ndarray, labels: np.ndarray, left: np.ndarray, right: np.ndarray, tags: Mapping[int, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Join the components `labels` of `nodes` (from `components`) along more edges, taken in the
    order given, skipping an edge that would join two components holding a common tag; returns
    the new labels (still the smallest id of each component) and which edges were taken.

    `tags` maps node ids to tags; it must hold every tagged member of the components the edges
    touch (a node missing from it has no tag). Dedup tags articles with their language, so a
    translation link never joins two groups that both hold an article in one language, and a
    chain of weak links cannot grow one group across many articles of each language. Python
    works only on the touched components: the other labels are copied as they are."""
    nodes = np.asarray(nodes, dtype=np.int64)
    order = np.argsort(nodes)
    at = order[np.searchsorted(nodes[order], np.concatenate([left, right]).astype(np.int64))]
    ends = labels[at].reshape(2, -1)
    touched = np.unique(ends)
    members = np.isin(labels, touched)
    held: dict[int, set[str]] = {label: set() for label in touched.tolist()}
    for node, label in zip(nodes[members].tolist(), labels[members].tolist()):
        if node in tags:
            held[label].add(tags[node])
    parent: dict[int, int] = {}

    def root(label: int) -> int:
        while label in parent:
            label = parent[label]
        return label

    taken = np.zeros(ends.shape[1], dtype=bool)
    for i, (la, lb) in enumerate(zip(ends[0].tolist(), ends[1].tolist())):
        ra, rb = root(la), root(lb)
        if ra != rb:
            if held[ra] & held[rb]:
                continue
            low, high = min(ra, rb), max(ra, rb)
            parent[high] = low
            held[low] |= held.pop(high)
        taken[i] = True
    roots = np.array([root(label) for label in touched.tolist()], dtype=np.int64)
    joined = np.array(labels, dtype=np.int64)
    joined[members] = roots[np.searchsorted(touched, labels[members])]
    return joined, taken
