"""The database: the one durable-write path, schema checks, storage, the store, undo, doctor."""
