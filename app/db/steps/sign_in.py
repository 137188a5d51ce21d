"""Schema step for real sign-in: several roles per user (the user_role table, filled from the
user's one role column, which goes), each user's credentials (user_credential: the password's
Argon2id hash, failed sign-ins and the lock, a one-time code) and their e-mail and phone.

An upgraded database has users without passwords: nobody can sign in until whoever holds the
database sets an administrator's password (`main.py set-password LOGIN`)."""

from __future__ import annotations

from peewee import Database

from app.db.connection import is_sqlite


def sign_in_users(db: Database) -> None:
    """Roles in their own table (a user may hold several), credentials in theirs, e-mail and
    phone on the user. Idempotent: tables and columns are made when missing, each user's
    role copied once, and the old column dropped only once its roles are copied."""
    references = 'REFERENCES "user" ("id") ON DELETE CASCADE'
    key = '"id" INTEGER NOT NULL PRIMARY KEY' if is_sqlite(db) else '"id" SERIAL PRIMARY KEY'
    # Named as the models name them, so an upgraded database and a new one are alike.
    db.execute_sql(
        f'CREATE TABLE IF NOT EXISTS "user_role" ({key}, "user_id" INTEGER NOT NULL, '
        f'"role" VARCHAR(255) NOT NULL, FOREIGN KEY ("user_id") {references})'
    )
    db.execute_sql('CREATE INDEX IF NOT EXISTS "userrolegrant_user_id" ON "user_role" ("user_id")')
    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS "userrolegrant_user_id_role" '
        'ON "user_role" ("user_id", "role")'
    )
    moment = "DATETIME" if is_sqlite(db) else "TIMESTAMP"
    flag = "INTEGER" if is_sqlite(db) else "BOOLEAN"
    false = "0" if is_sqlite(db) else "FALSE"
    db.execute_sql(
        'CREATE TABLE IF NOT EXISTS "user_credential" ('
        '"user_id" INTEGER NOT NULL PRIMARY KEY, '
        "\"password_hash\" VARCHAR(255) NOT NULL DEFAULT '', "
        f'"password_set_at" {moment}, '
        '"failed_attempts" INTEGER NOT NULL DEFAULT 0, '
        f'"last_failed_at" {moment}, "locked_until" {moment}, '
        "\"code_hash\" VARCHAR(255) NOT NULL DEFAULT '', "
        f'"code_expires_at" {moment}, '
        f'"must_set_password" {flag} NOT NULL DEFAULT {false}, '
        f'FOREIGN KEY ("user_id") {references})'
    )
    columns = {c.name for c in db.get_columns("user")}
    for name in ("email", "phone"):
        if name not in columns:
            db.execute_sql(
                f'ALTER TABLE "user" ADD COLUMN "{name}" VARCHAR(255) NOT NULL DEFAULT \'\''
            )
    if "role" in columns:
        db.execute_sql(
            'INSERT INTO "user_role" ("user_id", "role") '
            'SELECT u."id", u."role" FROM "user" u WHERE u."role" <> \'\' AND NOT EXISTS '
            '(SELECT 1 FROM "user_role" r WHERE r."user_id" = u."id" AND r."role" = u."role")'
        )
        db.execute_sql('ALTER TABLE "user" DROP COLUMN "role"')
