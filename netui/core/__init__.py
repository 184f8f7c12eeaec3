"""The domain: model, storage, rules, search and import/export. Never imports Textual."""
