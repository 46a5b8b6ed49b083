"""Settings: every field documented in .env.example, and the example itself valid."""

from dotenv import dotenv_values

from rag.config import Settings
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
