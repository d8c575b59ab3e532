"""analytics: daily, weekly and monthly rollups, kept exact by invalidation triggers

Revision ID: a7c3e91d2b50
Revises: 5682702ebb29
Create Date: 2026-11-22 23:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e91d2b50'
down_revision = '5682702ebb29'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('analytics_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.Column('reactions', sa.Integer(), nullable=False),
    sa.Column('ballots', sa.Integer(), nullable=False),
    sa.Column('active_people', sa.Integer(), nullable=False),
    sa.Column('rolled_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_analytics_days'))
    )
    with op.batch_alter_table('analytics_days', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_days_starts_at', ['starts_at'], unique=False)

    op.create_table('analytics_spans',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('active_people', sa.Integer(), nullable=False),
    sa.Column('rolled_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'start', name=op.f('pk_analytics_spans'))
    )
    for statement in _triggers(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in ('posts', 'comments', 'reactions', 'ballots', 'user_activity_days'):
        if dialect == 'postgresql':
            op.execute(f'DROP TRIGGER IF EXISTS trg_{table}_analytics ON {table}')
        else:
            for name in ('ins', 'del', 'upd'):
                op.execute(f'DROP TRIGGER IF EXISTS trg_{table}_analytics_{name}')
    if dialect == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS analytics_touch()')
        op.execute('DROP FUNCTION IF EXISTS analytics_forget_at(timestamp)')
        op.execute('DROP FUNCTION IF EXISTS analytics_forget_day(date)')
        op.execute('DROP FUNCTION IF EXISTS analytics_forget_post(integer)')
    op.drop_table('analytics_spans')
    with op.batch_alter_table('analytics_days', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_days_starts_at')
    op.drop_table('analytics_days')


def _triggers(dialect):
    # The models' DDL (the same statements db.create_all runs), so both stay in step.
    from socialnet.models.analytics import TRIGGERS

    return TRIGGERS.get(dialect, ())
