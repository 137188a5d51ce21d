"""Schema step: teams with a facility, a leader and an active flag; a lead held by a team;
further salespeople beside an opportunity's owner; the audit log read by user."""

from __future__ import annotations

from peewee import Database, ForeignKeyField, Model

from app.db.connection import is_sqlite


class _OpportunityV14(Model):
    class Meta:
        table_name = "opportunity"
        legacy_table_names = False


class _UserV14(Model):
    class Meta:
        table_name = "user"
        legacy_table_names = False


class _OpportunitySalespersonV14(Model):
    """Frozen as the step creates it."""

    opportunity = ForeignKeyField(
        _OpportunityV14, on_delete="CASCADE", column_name="opportunity_id"
    )
    user = ForeignKeyField(_UserV14, on_delete="CASCADE", column_name="user_id")

    class Meta:
        table_name = "opportunity_salesperson"
        legacy_table_names = False
        indexes = ((("opportunity", "user"), True),)


def teams_and_shared_sales(db: Database) -> None:
    """A team's facility, leader and active flag; the team holding a lead; the further
    salespeople of an opportunity; an index on the audit log's user. Idempotent: columns are
    added when missing, the table and the indexes if missing."""
    team_columns = {c.name for c in db.get_columns("team")}
    if "facility_id" not in team_columns:
        db.execute_sql(
            'ALTER TABLE "team" ADD COLUMN "facility_id" INTEGER '
            'REFERENCES "facility" ("id") ON DELETE SET NULL'
        )
    if "leader_id" not in team_columns:
        db.execute_sql('ALTER TABLE "team" ADD COLUMN "leader_id" INTEGER')
    if "active" not in team_columns:
        kind = "INTEGER NOT NULL DEFAULT 1" if is_sqlite(db) else "BOOLEAN NOT NULL DEFAULT TRUE"
        db.execute_sql(f'ALTER TABLE "team" ADD COLUMN "active" {kind}')
    if "team_id" not in {c.name for c in db.get_columns("lead")}:
        db.execute_sql(
            'ALTER TABLE "lead" ADD COLUMN "team_id" INTEGER '
            'REFERENCES "team" ("id") ON DELETE SET NULL'
        )
    models = [_OpportunityV14, _UserV14, _OpportunitySalespersonV14]
    with db.bind_ctx(models, bind_refs=False, bind_backrefs=False):
        db.create_tables([_OpportunitySalespersonV14], safe=True)
    db.execute_sql(
        'CREATE INDEX IF NOT EXISTS "audit_entry_user_id_at" ON "audit_entry" ("user_id", "at")'
    )
