"""Where passages live: the Chroma store, the tantivy index, sentence vectors, the embedder."""
