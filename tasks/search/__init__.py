"""Full-text search: the index of the latest article versions (kept current incrementally) and
BM25 queries over it with a snippet per hit."""

from tasks.search.index import IndexUpdate, index_path, update_index
from tasks.search.ranking import Hit, IndexBusy, search

__all__ = ["Hit", "IndexBusy", "IndexUpdate", "index_path", "search", "update_index"]
