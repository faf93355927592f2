// Filled in by the worker work.
