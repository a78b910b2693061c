"""Clinic records: clients, assessments, clips, results, reviews.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "clients",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clients"),
    )
    op.create_index("ix_clients_name", "clients", ["name"])
    op.create_table(
        "assessments",
        _id(),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("pain", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("therapist", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            ondelete="CASCADE",
            name="fk_assessments_client_id_clients",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
    )
    op.create_index("ix_assessments_client_id", "assessments", ["client_id"])
    op.create_table(
        "results",
        _id(),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("record_format", sa.Integer(), nullable=False),
        sa.Column("screening_version", sa.String(50), nullable=False),
        sa.Column("movement", sa.String(30), nullable=True),
        sa.Column("route", sa.String(20), nullable=True),
        sa.Column("fms", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            ondelete="CASCADE",
            name="fk_results_assessment_id_assessments",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_results"),
    )
    op.create_index("ix_results_assessment_id", "results", ["assessment_id"])
    op.create_table(
        "clips",
        _id(),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("view", sa.String(30), nullable=True),
        sa.Column("file_ref", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            ondelete="CASCADE",
            name="fk_clips_assessment_id_assessments",
        ),
        sa.ForeignKeyConstraint(
            ["result_id"], ["results.id"], ondelete="CASCADE", name="fk_clips_result_id_results"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_clips"),
    )
    op.create_index("ix_clips_assessment_id", "clips", ["assessment_id"])
    op.create_index("ix_clips_result_id", "clips", ["result_id"])
    op.create_table(
        "reviews",
        _id(),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_id"], ["results.id"], ondelete="CASCADE", name="fk_reviews_result_id_results"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    op.create_index("ix_reviews_result_id", "reviews", ["result_id"])
    op.create_table(
        "review_findings",
        _id(),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("severity", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            ondelete="CASCADE",
            name="fk_review_findings_review_id_reviews",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_review_findings"),
    )
    op.create_index("ix_review_findings_review_id", "review_findings", ["review_id"])


def downgrade() -> None:
    for table in ("review_findings", "reviews", "clips", "results", "assessments", "clients"):
        op.drop_table(table)
