"""Settings: every field documented in .env.example, the example itself valid, and the tests'
settings isolated from the shell."""

import os
from pathlib import Path

import pytest
from dotenv import dotenv_values

from rag.config import Settings
from tests.conftest import make_settings
from tests.paths import ROOT

ENV_EXAMPLE = ROOT / ".env.example"


def _env_name(name: str, field) -> str:
    return field.validation_alias.choices[0] if field.validation_alias else f"RAG_{name.upper()}"


def test_every_setting_is_documented() -> None:
    text = ENV_EXAMPLE.read_text()
    missing = [
        _env_name(name, field)
        for name, field in Settings.model_fields.items()
        if _env_name(name, field) not in text
    ]
    assert missing == []


def test_every_setting_has_a_description() -> None:
    undescribed = [name for name, field in Settings.model_fields.items() if not field.description]
    assert undescribed == []


def test_env_example_values_are_the_defaults() -> None:
    from_example = Settings(_env_file=ENV_EXAMPLE)
    assert from_example == Settings(_env_file=None)
    assert from_example.llm_configured is False
    assert dotenv_values(ENV_EXAMPLE)  # parses as a dotenv file


def test_test_settings_read_nothing_from_the_shell(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The suite's own guard: a developer's exported settings cannot change what it tests."""
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
