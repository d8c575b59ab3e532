"""analytics: per-person and per-group rollups (contributors, groups); triggers updated

Revision ID: c4d8f2a61e37
Revises: a7c3e91d2b50
Create Date: 2026-11-22 23:35:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4d8f2a61e37'
down_revision = 'a7c3e91d2b50'
branch_labels = None
depends_on = None


def upgrade():
    # Rollups made before this revision lack the new detail rows: forget them (the job
    # loop or `flask analytics rollup` rolls the days up again).
    op.execute('DELETE FROM analytics_spans')
    op.execute('DELETE FROM analytics_days')
    op.create_table('analytics_day_groups',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.Column('replies', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['day'], ['analytics_days.day'], name=op.f('fk_analytics_day_groups_day_analytics_days'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'group_id', name=op.f('pk_analytics_day_groups'))
    )
    op.create_table('analytics_day_people',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.Column('reactions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['day'], ['analytics_days.day'], name=op.f('fk_analytics_day_people_day_analytics_days'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'user_id', name=op.f('pk_analytics_day_people'))
    )
    op.create_table('analytics_group_people',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['day'], ['analytics_days.day'], name=op.f('fk_analytics_group_people_day_analytics_days'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', 'day', name=op.f('pk_analytics_group_people'))
    )
    with op.batch_alter_table('analytics_group_people', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_group_people_day', ['day'], unique=False)

    op.create_table('analytics_span_people',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.Column('reactions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['kind', 'start'], ['analytics_spans.kind', 'analytics_spans.start'], name=op.f('fk_analytics_span_people_kind_analytics_spans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('kind', 'start', 'user_id', name=op.f('pk_analytics_span_people'))
    )
    for statement in _triggers(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    op.drop_table('analytics_span_people')
    with op.batch_alter_table('analytics_group_people', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_group_people_day')
    op.drop_table('analytics_group_people')
    op.drop_table('analytics_day_people')
    op.drop_table('analytics_day_groups')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS trg_posts_analytics_move')
    # The other triggers (and on PostgreSQL analytics_forget_post, which analytics_touch
    # calls) stay: they only forget rollups; the previous revision's downgrade drops them.


def _triggers(dialect):
    # The models' DDL (the same statements db.create_all runs), so both stay in step.
    from socialnet.models.analytics import TRIGGERS

    return TRIGGERS.get(dialect, ())
