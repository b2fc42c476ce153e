-- The cron job's insert, as the Edge Function sends it (psycopg placeholders).
-- A returned id means "send now"; no row means "already sent".
insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key)
values (%(certification_id)s::uuid, %(notification_type)s, %(recipient_id)s::uuid,
        public.cert_notification_idempotency_key(%(certification_id)s::uuid, %(notification_type)s,
                                                 %(scheduled_on)s::date))
on conflict (idempotency_key) do nothing
returning id;
