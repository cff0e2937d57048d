"""The feedback store: issued cards and the feedback on them.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create both tables."""
    op.create_table(
        "issued_card",
        sa.Column("uuid", sa.String(36), primary_key=True),
        sa.Column("rules_version", sa.String(40), nullable=False),
        sa.Column("top_option", sa.String(40), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "card_feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("card_uuid", sa.String(36), sa.ForeignKey("issued_card.uuid"), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("override_reason", sa.String(64), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_card_feedback_card_uuid", "card_feedback", ["card_uuid"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_index("ix_card_feedback_card_uuid", table_name="card_feedback")
    op.drop_table("card_feedback")
    op.drop_table("issued_card")
