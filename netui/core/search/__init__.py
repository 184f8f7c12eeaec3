"""Search: the query language, matching, the in-memory index and the disposable on-disk cache."""
