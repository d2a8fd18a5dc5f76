"""The audit log (hash-chained, append-only), its head, and the export log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS = "0" * 64
APPEND_ONLY = ("audit_log", "export_log")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False, index=True),
        sa.Column("user_email", sa.String(320), nullable=False, index=True),
        sa.Column("user_role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(64), nullable=False, index=True),
        sa.Column("page", sa.String(64), nullable=False),
        sa.Column("area", sa.String(128), nullable=False),
        sa.Column("wards", sa.Text, nullable=False),
        sa.Column("window", sa.String(64), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("id_count", sa.Integer, nullable=False),
        sa.Column("ids_digest", sa.String(64), nullable=False),
        sa.Column("ids", sa.Text, nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.execute(sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)").bindparams(h=GENESIS))
    op.create_table(
        "export_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False, index=True),
        sa.Column("user_email", sa.String(320), nullable=False, index=True),
        sa.Column("user_role", sa.String(32), nullable=False),
        sa.Column("area", sa.String(128), nullable=False),
        sa.Column("window", sa.String(64), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("file_name", sa.String(400), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("audit_seq", sa.Integer, nullable=False),
    )
    # Append-only in the database itself: the app's own account cannot edit or delete a record.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
            )
    else:
        for table in APPEND_ONLY:
            for change in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{change.lower()} BEFORE {change} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def downgrade() -> None:
    for table in ("export_log", "audit_head", "audit_log"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS refuse_change()")
