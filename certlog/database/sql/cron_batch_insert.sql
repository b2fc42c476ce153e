-- The cron job's batch insert in one statement (as PostgREST sends an upsert of many rows
-- with ignoreDuplicates): new keys are stored, known ones skipped; returns the stored ids.
-- Rows go in key order, so overlapping runs take their key locks in the same order and
-- cannot deadlock one another.
insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key)
select b.certification_id, b.notification_type, b.recipient_id,
       public.cert_notification_idempotency_key(b.certification_id, b.notification_type, b.scheduled_on) as k
from unnest(%(certification_ids)s::uuid[], %(notification_types)s::text[], %(recipient_ids)s::uuid[],
            %(scheduled_ons)s::date[]) as b(certification_id, notification_type, recipient_id, scheduled_on)
order by k
on conflict (idempotency_key) do nothing
returning id, idempotency_key;
