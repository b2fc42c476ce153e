-- What the batch check (cert_notifications_already_sent, third migration) asks of the table for each pair, as
-- EXPLAIN sees it: one probe per (certification, type) for a row sent in the pair's cycle. hypopg's hypothetical
-- indexes are seen by EXPLAIN alone, not by the statements a function runs, so the probe is explained here
-- (104 days: how far back the 90-day warning counts, cert_notification_counts_from).
select p.position
from unnest(%(certification_ids)s::uuid[], %(notification_types)s::text[], %(expires_on)s::date[])
       with ordinality as p(certification_id, notification_type, expires_on, position)
cross join lateral (
  select 1 from public.cert_notification_log l
  where l.certification_id = p.certification_id and l.notification_type = p.notification_type
    and l.sent_at >= ((p.expires_on - 104)::timestamp at time zone 'UTC')
  limit 1
) as sent;
