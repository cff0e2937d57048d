"""Where the service keeps its feedback and where its cards link to, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_FILE = ROOT / "var" / "feedback.sqlite3"
DEFAULT_APP_URL = "http://localhost:8501"
DATABASE_URL_VARIABLE = "DATABASE_URL"
APP_URL_VARIABLE = "CDS_APP_URL"


@dataclass(frozen=True)
class Settings:
    """The service's configuration; everything else about it is stateless."""

    database_url: str
    app_url: str = DEFAULT_APP_URL

    @classmethod
    def from_environment(cls) -> Settings:
        """``DATABASE_URL`` (default: a SQLite file under var/) and ``CDS_APP_URL``."""
        database_url = os.environ.get(DATABASE_URL_VARIABLE) or default_database_url()
        return cls(
            database_url=database_url,
            app_url=os.environ.get(APP_URL_VARIABLE) or DEFAULT_APP_URL,
        )


def default_database_url() -> str:
    """The SQLite file used when ``DATABASE_URL`` is unset; its folder is made if missing."""
    DEFAULT_DATABASE_FILE.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_DATABASE_FILE}"
