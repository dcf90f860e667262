"""Settings.from_env: the defaults of DESIGN section 5 and how each variable is parsed."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from server.app import create_app
from server.settings import DEFAULT_DATABASE_URL, Settings

VARIABLES = ("DATABASE_URL", "HOST", "PORT", "CORS_ORIGINS", "LOG_LEVEL", "EXPOSE_QUERY_STATS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = Settings.from_env()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL == "sqlite+aiosqlite:///./data/milestone-billing.db"
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.cors_origins == ()
    assert settings.log_level == "INFO"
    assert settings.expose_query_stats is False
    assert settings == Settings()


def test_empty_variables_mean_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.setenv(name, "")
    assert Settings.from_env() == Settings()


def test_every_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@db:5432/billing")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("CORS_ORIGINS", "https://app.example.com")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("EXPOSE_QUERY_STATS", "1")
    settings = Settings.from_env()
    assert settings.database_url == "postgresql+asyncpg://u:p@db:5432/billing"
    assert settings.host == "0.0.0.0"
    assert settings.port == 9001
    assert isinstance(settings.port, int)
    assert settings.cors_origins == ("https://app.example.com",)
    assert settings.log_level == "DEBUG"
    assert settings.expose_query_stats is True


@pytest.mark.parametrize(
    ("value", "origins"),
    [
        (
            "https://a.example.com,https://b.example.com",
            ("https://a.example.com", "https://b.example.com"),
        ),
        (
            " https://a.example.com , https://b.example.com ",
            ("https://a.example.com", "https://b.example.com"),
        ),
        ("https://a.example.com,,", ("https://a.example.com",)),
        (",", ()),
        ("   ", ()),
    ],
)
def test_cors_origins_is_a_comma_separated_list(
    monkeypatch: pytest.MonkeyPatch, value: str, origins: tuple[str, ...]
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", value)
    assert Settings.from_env().cors_origins == origins


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on", " True "])
def test_expose_query_stats_on(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("EXPOSE_QUERY_STATS", value)
    assert Settings.from_env().expose_query_stats is True


@pytest.mark.parametrize("value", ["", "0", "false", "False", "no", "off", " OFF "])
def test_expose_query_stats_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("EXPOSE_QUERY_STATS", value)
    assert Settings.from_env().expose_query_stats is False


@pytest.mark.parametrize(("value", "port"), [("80", 80), ("8080", 8080), ("65535", 65535)])
def test_port_is_an_int(monkeypatch: pytest.MonkeyPatch, value: str, port: int) -> None:
    monkeypatch.setenv("PORT", value)
    assert Settings.from_env().port == port


def test_a_port_that_is_not_a_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ValueError):
        Settings.from_env()


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [("https://app.example.com", True), ("https://evil.example.com", False)],
)
async def test_only_the_configured_origins_pass_cors(
    tmp_path: Path, origin: str, allowed: bool
) -> None:
    app = create_app(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/cors.db",
            cors_origins=("https://app.example.com",),
        )
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.options(
                "/graphql",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization,content-type",
                },
            )
    finally:
        await app.state.milestone_billing.engine.dispose()
    if allowed:
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin
        assert "authorization" in response.headers["access-control-allow-headers"].lower()
    else:
        assert response.headers.get("access-control-allow-origin") is None
