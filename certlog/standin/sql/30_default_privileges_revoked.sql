-- Newer default privileges ([api] auto_expose_new_tables = false), applied on top of the
-- legacy ones: SELECT, INSERT, UPDATE and DELETE are revoked from the defaults; TRUNCATE,
-- REFERENCES and TRIGGER stay. service_role then gets no row access unless a migration grants it.
alter default privileges for role postgres in schema public
  revoke select, insert, update, delete on tables from anon, authenticated, service_role;
