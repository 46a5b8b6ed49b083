"""The heavy parts (embedding model, Chroma, language model client), each built in one place."""
