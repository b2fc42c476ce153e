-- One row written directly, every column named: a test of a CHECK, a key or a reference does not lean on
-- sent_at's default (the cron job's own insert, which does, is postgrest_upsert.sql).
insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key, sent_at)
values (%(certification_id)s, %(notification_type)s, %(recipient_id)s, %(idempotency_key)s, %(sent_at)s)
