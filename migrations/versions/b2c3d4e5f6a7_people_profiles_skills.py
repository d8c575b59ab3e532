"""people: the profile people edit, skills and endorsements

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2026-12-04 17:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

from socialnet.text_keys import fold

# revision identifiers, used by Alembic.
revision = "b2c3d4e5f6a7"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None

# Plain ADD COLUMN (no batch): SQLite then does not rebuild ``users``, which would drop the
# search index triggers on it.
_PROFILE_COLUMNS = (
    ("pronouns", sa.String(length=40), ""),
    ("phone", sa.String(length=40), ""),
    ("about", sa.Text(), ""),
    ("about_html", sa.Text(), ""),
    ("languages", sa.JSON(), "[]"),
    ("location_detail", sa.String(length=120), ""),
)


def _refill_search_keys(fields: tuple[str, ...]) -> None:
    """``users.search_key``: the keys of ``fields``, one a line (``models/users.py``)."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {', '.join(fields)} FROM users")).all()
    for row in rows:
        key = "\n".join(fold(text or "") for text in row[1:])
        conn.execute(
            sa.text("UPDATE users SET search_key = :key WHERE id = :id"),
            {"key": key, "id": row[0]},
        )


_SEARCHED_BEFORE = ("handle", "display_name", "job_title")
#: The directory's ``q`` now matches department and site too.
_SEARCHED_AFTER = (*_SEARCHED_BEFORE, "department", "site")


def upgrade():
    for name, type_, default in _PROFILE_COLUMNS:
        op.add_column("users", sa.Column(name, type_, nullable=False, server_default=default))
    _refill_search_keys(_SEARCHED_AFTER)
    op.create_table(
        "skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=240), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills")),
        sa.UniqueConstraint("key", name=op.f("uq_skills_key")),
    )
    op.create_table(
        "user_skills",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_user_skills_skill_id_skills"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_skills_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "skill_id", name=op.f("pk_user_skills")),
    )
    op.create_index(op.f("ix_user_skills_skill_id"), "user_skills", ["skill_id"])
    op.create_table(
        "skill_endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("endorser_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("endorser_id <> user_id", name=op.f("ck_skill_endorsements_not_self")),
        sa.ForeignKeyConstraint(
            ["endorser_id"],
            ["users.id"],
            name=op.f("fk_skill_endorsements_endorser_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_skill_endorsements_skill_id_skills"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_skill_endorsements_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_endorsements")),
        sa.UniqueConstraint(
            "user_id",
            "skill_id",
            "endorser_id",
            name=op.f("uq_skill_endorsements_user_id_skill_id_endorser_id"),
        ),
    )
    op.create_index(
        op.f("ix_skill_endorsements_endorser_id"), "skill_endorsements", ["endorser_id"]
    )
    op.create_index(op.f("ix_skill_endorsements_skill_id"), "skill_endorsements", ["skill_id"])


def downgrade():
    op.drop_table("skill_endorsements")
    op.drop_table("user_skills")
    op.drop_table("skills")
    _refill_search_keys(_SEARCHED_BEFORE)
    # Plain DROP COLUMN (SQLite 3.35+), again so that ``users`` keeps its triggers.
    for name, _type, _default in reversed(_PROFILE_COLUMNS):
        op.drop_column("users", name)
