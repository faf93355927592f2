// Filled in by the journal work.
