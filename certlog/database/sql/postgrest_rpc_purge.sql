-- The retention purge as the nightly job runs it, with its cut-off fixed rather than moving with the clock:
-- rows sent before %(before)s go (older_than is now() minus that moment; the function deletes
-- sent_at < now() - older_than). POST /rest/v1/rpc/purge_cert_notification_log.
select public.purge_cert_notification_log(older_than := pg_catalog.now() - %(before)s::timestamptz) as removed;
