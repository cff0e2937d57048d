"""The CDS Hooks service and JSON API over the clinical core (FastAPI).

Imports ``rules`` and ``evidence``; neither ever imports it (import contracts).
"""

from cds_service.app import app_from_environment, create_app
from cds_service.settings import Settings
from cds_service.store import FeedbackStore

__all__ = ["FeedbackStore", "Settings", "app_from_environment", "create_app"]
