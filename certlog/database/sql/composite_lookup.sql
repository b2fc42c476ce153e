-- The cron job's per-certification check, served by the composite index.
select * from public.cert_notification_log
where certification_id = %(certification_id)s::uuid and notification_type = %(notification_type)s;
