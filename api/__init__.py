"""The HTTP service and the command line around the `rag` library."""
