"""The suite's own guard: a developer's exported settings cannot change what it tests."""

import os
from pathlib import Path

import pytest

from rag.config import Settings
from tests.conftest import make_settings


def test_test_settings_read_nothing_from_the_shell(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert not [n for n in os.environ if n.startswith(("RAG_", "OPENAI_", "CHROMA_"))]
    for name, value in {
        "RAG_TOP_K": "1",
        "RAG_API_KEY": "a-key-from-the-shell",
        "OPENAI_API_KEY": "sk-shell",
        "CHROMA_HOST": "elsewhere",
    }.items():
        monkeypatch.setenv(name, value)
    (tmp_path / ".env").write_text("RAG_LLM_MODEL=from-a-dotenv\n")
    monkeypatch.chdir(tmp_path)
    settings = make_settings(tmp_path / "index", top_k=7)
    assert settings.top_k == 7 and settings.index_dir == tmp_path / "index"
    assert (settings.api_key, settings.openai_api_key, settings.chroma_host) == (None, None, None)
    assert settings.llm_model == Settings.model_fields["llm_model"].default
