-- The cron job's batch check in one round trip: which of tonight's (certification, type) pairs
-- were already sent? Returns their 1-based positions in the batch.
-- The pairs travel as two comma-separated strings (cheap to send and to parse at 50 000 pairs);
-- each pair is one probe of the composite index (the LIMIT 1 keeps it a probe at any batch size).
select p.position
from unnest(string_to_array(%(certification_ids)s, ',')::uuid[], string_to_array(%(notification_types)s, ','))
       with ordinality as p(certification_id, notification_type, position)
cross join lateral (
  select 1 from public.cert_notification_log l
  where l.certification_id = p.certification_id and l.notification_type = p.notification_type
  limit 1
) as sent;
