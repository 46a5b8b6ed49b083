"""Writing answers from retrieved passages: extractive (no model) or generative (a model)."""
