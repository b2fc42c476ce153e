-- Notifications of the current cycles that are not in the log yet, in a stable pseudo-random order: what an upsert
-- can store (the benchmarks' new rows).
select c.id as certification_id, t.notification_type, c.peer_mentor_id as recipient_id, c.expires_on
from public.peer_mentor_certifications c
cross join unnest(%(types)s::text[]) as t(notification_type)  -- the contract's types
where not exists (
  select 1 from public.cert_notification_log l
  where l.certification_id = c.id and l.notification_type = t.notification_type
    and l.sent_at >= ((c.expires_on - public.cert_notification_counts_from(t.notification_type))::timestamp
                      at time zone 'UTC'))
order by md5(c.id::text || t.notification_type)
limit %(limit)s;
