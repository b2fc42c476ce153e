-- Newer default privileges (new projects from 2026-05-30, every project from 2026-10-30),
-- applied on top of the legacy ones with the SQL Studio runs at project creation
-- (supabase/cli internal/db/start/start.go): table SELECT, INSERT, UPDATE, DELETE, sequence
-- USAGE and SELECT, and function EXECUTE are revoked from the defaults; TRUNCATE, REFERENCES
-- and TRIGGER stay. service_role then gets no row access unless a migration grants it.
alter default privileges for role postgres in schema public
  revoke select, insert, update, delete on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke usage, select on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke execute on functions from anon, authenticated, service_role;
