-- The deduplication lookup of the task: is this idempotency key already logged?
select 1 from public.cert_notification_log where idempotency_key = %(key)s;
