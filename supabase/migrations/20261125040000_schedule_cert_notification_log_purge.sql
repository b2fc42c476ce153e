-- Supabase Cron: the nightly retention purge of cert_notification_log (rows older than 1 year),
-- so the append-only log cannot grow without bound.
--
-- Depends on 20261125030000_create_cert_notification_log.sql (public.purge_cert_notification_log).
-- Runs as role postgres. Idempotent: the extension is created only where it is missing, and a job
-- scheduled again under the same name replaces the earlier one, so applying this file twice
-- leaves exactly one job.

-- Creating an extension and writing cron.job take brief locks: give up rather than queue.
set lock_timeout = '5s';
set statement_timeout = '1min';

-- As Supabase's documentation enables Supabase Cron (a no-op where it is enabled already).
create extension if not exists pg_cron with schema pg_catalog;

-- 03:17 UTC every night, after the notification run. The job runs as the role that schedules it,
-- postgres, which may execute the purge as a member of service_role.
select cron.schedule(
  'purge-cert-notification-log',
  '17 3 * * *',
  $$select public.purge_cert_notification_log()$$
);

reset lock_timeout;
reset statement_timeout;
