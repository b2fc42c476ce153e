-- The retention purge, as the service role calls it (default: older than 1 year).
select public.purge_cert_notification_log() as removed;
