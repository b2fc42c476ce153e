-- pg_cron as hosted Supabase has it (the Cron integration, supabase.com/docs/guides/cron/install):
-- the extension in pg_catalog, and postgres allowed to schedule and see jobs. Run as a superuser
-- in the database pg_cron serves; that database then becomes the template of every database the
-- harness creates, so the migration's `create extension if not exists pg_cron` finds it enabled.
create extension if not exists pg_cron with schema pg_catalog;
grant usage on schema cron to postgres;
grant all privileges on all tables in schema cron to postgres;
