-- How many log rows are older than an interval.
select count(*) as n from public.cert_notification_log where sent_at < now() - %(older_than)s::interval;
