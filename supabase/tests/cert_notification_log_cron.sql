-- The Supabase Cron jobs the migrations schedule, and the role each runs as (needs pg_cron).
-- GENERATED from certlog/data/contract.toml by `certlog contract --write`: edit the contract, not this file.
begin;
select plan(4);

select is((select count(*) from cron.job where jobname = 'purge-cert-notification-log'), 1::bigint, 'IMPL-3: one job is named purge-cert-notification-log');
select is((select count(*) from cron.job where command ilike '%purge_cert_notification_log%'), 1::bigint, 'IMPL-3: one job, no more, calls purge_cert_notification_log');
select is((select format('%s | %s | %s', schedule, command, username) from cron.job where jobname = 'purge-cert-notification-log'), '17 3 * * * | select public.purge_cert_notification_log() | postgres', 'IMPL-3: purge-cert-notification-log runs select public.purge_cert_notification_log() at 17 3 * * * as postgres');
select is((select has_function_privilege(username, 'public.purge_cert_notification_log(interval)', 'EXECUTE') from cron.job where jobname = 'purge-cert-notification-log'), true, 'IMPL-3: the role purge-cert-notification-log runs as may execute purge_cert_notification_log(interval)');

select * from finish();
rollback;
