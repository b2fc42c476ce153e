-- What the retention purge (purge_cert_notification_log) runs, as EXPLAIN sees it (not run: EXPLAIN alone).
delete from public.cert_notification_log where sent_at < %(before)s;
