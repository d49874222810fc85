import pytest

from chalicelib.core.config import Settings


def test_settings_come_from_stint_variables(monkeypatch):
    monkeypatch.setenv("STINT_TABLE_NAME", "custom-table")
    monkeypatch.setenv("STINT_ACCESS_TOKEN_TTL_SECONDS", "300")
    settings = Settings.from_environ()
    assert settings.table_name == "custom-table"
    assert settings.access_token_ttl_seconds == 300


def test_short_secret_is_refused(monkeypatch):
    monkeypatch.setenv("STINT_JWT_SECRET", "short")
    with pytest.raises(ValueError, match="STINT_JWT_SECRET"):
        Settings.from_environ()


def test_access_tokens_cannot_outlive_fifteen_minutes(monkeypatch):
    monkeypatch.setenv("STINT_ACCESS_TOKEN_TTL_SECONDS", "3600")
    with pytest.raises(ValueError, match="ACCESS_TOKEN_TTL"):
        Settings.from_environ()
