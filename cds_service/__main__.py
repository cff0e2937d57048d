"""``python -m cds_service --host 127.0.0.1 --port 8010 [--workers N]``.

Brings the feedback store's schema up to date once, then starts uvicorn with the workers.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import uvicorn

from cds_service.settings import Settings
from cds_service.store import FeedbackStore
from cds_service.transport import PROTOCOL_PATH

DEFAULT_PORT = 8010


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for tests and help text."""
    parser = argparse.ArgumentParser(
        prog="python -m cds_service",
        description=(
            "CDS Hooks service and JSON API for spinal metastasis approach options. "
            "Research and teaching prototype, not for clinical decisions. "
            "DATABASE_URL picks the feedback store (default: a SQLite file under var/); "
            "CDS_APP_URL the app the cards link to."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8010)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Migrate the store, then serve until stopped."""
    arguments = build_parser().parse_args(argv)
    FeedbackStore(Settings.from_environment().database_url).migrate()
    uvicorn.run(
        "cds_service.app:app_from_environment",
        factory=True,
        host=arguments.host,
        port=arguments.port,
        workers=arguments.workers,
        http=PROTOCOL_PATH,
        access_log=False,  # request lines are not kept: they are not needed and not wanted
        log_level="warning",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
