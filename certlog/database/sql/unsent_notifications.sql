-- Notifications whose type no row of their certification has yet, in a stable pseudo-random order: new in any
-- cycle, so what an upsert stores, before the cycles' migration or after it (the benchmarks' and tests' new rows).
select c.id as certification_id, t.notification_type, c.peer_mentor_id as recipient_id, c.expires_on
from public.peer_mentor_certifications c
cross join unnest(%(types)s::text[]) as t(notification_type)  -- the contract's types
where not exists (
  select 1 from public.cert_notification_log l
  where l.certification_id = c.id and l.notification_type = t.notification_type)
order by md5(c.id::text || t.notification_type)
limit %(limit)s;
