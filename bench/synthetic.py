"""Synthetic news-like text for the scale benchmarks: no data to download, any size.

Words are drawn with a Zipf law (frequent words very frequent, a long tail of rare ones, as in
news) from the shipped articles' own words followed by made-up ones, so a large corpus has a
large vocabulary. Passages are sentences of 8-25 words, about 150 words in all.
"""

import re
from collections import Counter
from collections.abc import Iterator

import numpy as np

from rag.config import DEFAULT_ARTICLES_DIR

_WORD = re.compile(r"[A-Za-z][a-z]+")


def vocabulary(size: int = 300_000) -> list[str]:
    """The articles' words by frequency, then invented ones up to `size`."""
    counts = Counter(
        word.lower()
        for path in sorted(DEFAULT_ARTICLES_DIR.glob("*.txt"))
        for word in _WORD.findall(path.read_text())
    )
    real = [word for word, _ in counts.most_common()]
    syllables = ["ka", "lo", "mer", "tin", "sa", "vor", "el", "dun", "pri", "zo", "ba", "quen"]
    invented: list[str] = []
    for n in range(size - len(real)):
        digits, word = n, ""
        while True:
            word += syllables[digits % len(syllables)]
            digits //= len(syllables)
            if not digits:
                break
        invented.append(word + "ex")
    return real + invented


def passages(count: int, seed: int = 0, words_per_passage: int = 150) -> Iterator[str]:
    """`count` passages of Zipf-distributed words cut into capitalised sentences."""
    rng = np.random.default_rng(seed)
    words = np.array(vocabulary())
    for _ in range(count):
        ranks = rng.zipf(1.15, words_per_passage) - 1
        # Past the end of the vocabulary: any word of it, so the tail is long, not one word.
        beyond = ranks >= len(words)
        ranks[beyond] = rng.integers(0, len(words), int(beyond.sum()))
        chosen = words[ranks]
        sentences, start = [], 0
        while start < len(chosen):
            length = int(rng.integers(8, 26))
            sentence = " ".join(chosen[start : start + length])
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
            start += length
        yield " ".join(sentences)
