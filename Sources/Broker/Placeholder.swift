// Filled in by the broker work.
