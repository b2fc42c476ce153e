-- The cron job's batch check in one round trip: which (certification, type) pairs were already sent?
-- One probe of the composite index per pair (the LIMIT 1 keeps it a probe, whatever the batch size).
select p.certification_id, p.notification_type
from unnest(%(certification_ids)s::uuid[], %(notification_types)s::text[]) as p(certification_id, notification_type)
cross join lateral (
  select 1 from public.cert_notification_log l
  where l.certification_id = p.certification_id and l.notification_type = p.notification_type
  limit 1
) as sent;
