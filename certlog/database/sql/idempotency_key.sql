-- The key as the database computes it.
select public.cert_notification_idempotency_key(%(certification_id)s::uuid, %(notification_type)s,
                                                %(scheduled_on)s::date) as key;
