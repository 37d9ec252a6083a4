"""The deadlines engine: who is told (recipients), what (messages), how (channels), and when (sweep, delivery)."""
