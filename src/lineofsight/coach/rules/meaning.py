"""Meaning: word and sentence vectors from a small word-embedding model shipped in a package.

The coach's wording checks ask what a statement *means* (does this key result count effort
or a change in the world? does this child say the same as its parent?), which lists of words
cannot answer for wording they have never seen. The vectors come from WordLlama's
256-dimension token embeddings (the ``wordllama`` package carries the weights and the
tokenizer in its own folder): a statement's vector is the mean of its tokens' vectors. They
are read from the installed package's folder only: nothing is ever downloaded and nothing
calls the network.

Pure: no Django. ``encoder()`` loads the model once per process (about half a second) and
returns ``None`` when the package or numpy is not installed, when the files are missing or
unreadable, or when meaning was switched off (``use_meaning(False)``, from the
``LOS_COACH_MEANING`` setting); every check then falls back to its lexical rules alone.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)

WEIGHTS = ("weights", "l2_supercat_256.safetensors")
TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")

_lock = threading.Lock()
_state: dict[str, Any] = {"enabled": True, "encoder": None, "tried": False}

# Digits say how much, not what: "Publish 12 posts" and "Publish 8 posts" mean the same.
_FIGURE = re.compile(r"[$\u20ac\u00a3]?\d[\d,.]*\s*(?:%|k|m|bn|x)?", re.IGNORECASE)


class Encoder:
    """Token vectors and the tokenizer that splits text into them."""

    def __init__(self, vectors: np.ndarray, tokenizer: Any) -> None:
        import numpy as np

        self.np = np
        self.tokens = vectors.astype(np.float32)
        self.tokenizer = tokenizer
        self.dim = int(vectors.shape[1])

    def token_ids(self, text: str) -> list[int]:
        return list(self._ids(text))

    @lru_cache(maxsize=65536)  # noqa: B019 - one encoder per process
    def _ids(self, text: str) -> tuple[int, ...]:
        encoded = self.tokenizer.encode(text, add_special_tokens=False)
        top = self.tokens.shape[0] - 1
        return tuple(min(max(i, 0), top) for i in encoded.ids)

    @lru_cache(maxsize=65536)  # noqa: B019 - one encoder per process
    def vector(self, text: str) -> np.ndarray:
        """The unit vector of a statement (zeros for an empty one); figures left out."""
        ids = self._ids(_FIGURE.sub(" ", text).strip() or text)
        if not ids:
            return self.np.zeros(self.dim, dtype=self.np.float32)
        mean = self.tokens[list(ids)].mean(axis=0)
        norm = float(self.np.linalg.norm(mean))
        return mean / norm if norm > 0 else mean

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of several statements, one row each."""
        if not texts:
            return self.np.zeros((0, self.dim), dtype=self.np.float32)
        return self.np.stack([self.vector(t) for t in texts])

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two statements' vectors, -1.0-1.0."""
        return float(self.vector(a) @ self.vector(b))

    def word_vectors(self, words: Iterable[str]) -> np.ndarray:
        """Unit vectors of single words (the mean of a word's tokens)."""
        rows = [self._word(w) for w in words]
        if not rows:
            return self.np.zeros((0, self.dim), dtype=self.np.float32)
        return self.np.stack(rows)

    @lru_cache(maxsize=65536)  # noqa: B019 - one encoder per process
    def _word(self, word: str) -> np.ndarray:
        ids = self._ids(" " + word)
        if not ids:
            return self.np.zeros(self.dim, dtype=self.np.float32)
        mean = self.tokens[list(ids)].mean(axis=0)
        norm = float(self.np.linalg.norm(mean))
        return mean / norm if norm > 0 else mean


def use_meaning(on: bool) -> None:
    """Switch the model on or off for this process (off: lexical rules only)."""
    _state["enabled"] = bool(on)


def package_folder() -> Path | None:
    """The folder of the installed ``wordllama`` package, or None."""
    # Found without importing it: its __init__ sets up logging for the whole process.
    try:
        spec = importlib.util.find_spec("wordllama")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def _load() -> Encoder | None:
    folder = package_folder()
    if folder is None:
        logger.info("The coach reads wording by its rules alone: wordllama is not installed.")
        return None
    try:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = load_file(str(folder.joinpath(*WEIGHTS)))
        tokenizer = Tokenizer.from_file(str(folder.joinpath(*TOKENIZER)))
        return Encoder(weights["embedding.weight"], tokenizer)
    except Exception:  # noqa: BLE001 - a broken install must not take the coach down
        logger.exception("The coach could not read the wordllama model; rules alone from now.")
        return None


def encoder() -> Encoder | None:
    """The process's encoder, loaded on first use; None when meaning is off or unavailable."""
    if not _state["enabled"]:
        return None
    if not _state["tried"]:
        with _lock:
            if not _state["tried"]:
                _state["encoder"] = _load()
                _state["tried"] = True
    return _state["encoder"]  # type: ignore[no-any-return]
