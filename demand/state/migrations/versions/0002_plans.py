"""The register of problem-solving plans and the history of every change to them.

Revision ID: 0002_plans
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_plans"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("targets", sa.Text, nullable=False),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("ward_code", sa.String(16), nullable=False, index=True),
        sa.Column("district", sa.String(128), nullable=False),
        sa.Column("owner", sa.String(320), nullable=False),
        sa.Column("partners", sa.Text, nullable=False),
        sa.Column("scanning", sa.Text, nullable=False),
        sa.Column("analysis", sa.Text, nullable=False),
        sa.Column("response", sa.Text, nullable=False),
        sa.Column("assessment", sa.Text, nullable=False),
        sa.Column("response_date", sa.String(10), nullable=True),
        sa.Column("status", sa.String(24), nullable=False, index=True),
        sa.Column("control_area", sa.String(128), nullable=False),
        sa.Column("buffer_m", sa.Integer, nullable=False),
        sa.Column("buffer_wards", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(320), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False, index=True),
        sa.Column("updated_by", sa.String(320), nullable=False),
        sa.Column("closed_at", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "plan_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.Integer, nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("user_email", sa.String(320), nullable=False),
        sa.Column("user_role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
    )
    # In the database itself: a plan's history cannot be edited or deleted, and a plan cannot be
    # deleted (only closed), whatever the application does.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_plan_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'plans are never deleted: close them'; END $$"
        )
        op.execute("CREATE TRIGGER plans_never_deleted BEFORE DELETE ON plans "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_plan_delete()")
        op.execute("CREATE TRIGGER plan_changes_append_only BEFORE UPDATE OR DELETE ON plan_changes "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_change()")
    else:
        op.execute("CREATE TRIGGER plans_never_deleted BEFORE DELETE ON plans "
                   "BEGIN SELECT RAISE(ABORT, 'plans are never deleted: close them'); END")
        for change in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER plan_changes_no_{change.lower()} BEFORE {change} ON plan_changes "
                       "BEGIN SELECT RAISE(ABORT, 'plan_changes is append-only'); END")


def downgrade() -> None:
    op.drop_table("plan_changes")
    op.drop_table("plans")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS refuse_plan_delete()")
