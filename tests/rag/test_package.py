"""The `rag` package's public surface: every name in `__all__` resolves, and importing the
package does not load the service's heavy parts (a CLI's --help should not wait for them)."""

import subprocess
import sys

import pytest

import rag


def test_every_public_name_resolves() -> None:
    assert all(getattr(rag, name) is not None for name in rag.__all__)
    assert rag.RagService.__module__ == "rag.service"
    assert issubclass(rag.UnsupportedFileTypeError, rag.ArticleError)
    assert issubclass(rag.ArticleError, rag.RagError)


@pytest.mark.slow
def test_importing_the_package_stays_light() -> None:
    code = (
        "import sys, rag; heavy = {'rag.service', 'chromadb', 'llama_index.core', 'onnxruntime'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
