-- Seeded notifications in a stable pseudo-random order, with the scheduled day their key was made from
-- (the certification's expiry minus the days of the schedule, passed in from the table contract).
select l.certification_id, l.notification_type, l.recipient_id, l.idempotency_key,
       c.expires_on - s.days_before as scheduled_on
from public.cert_notification_log l
join public.peer_mentor_certifications c on c.id = l.certification_id
join unnest(%(types)s::text[], %(days_before)s::int[]) as s(notification_type, days_before)
  on s.notification_type = l.notification_type
order by md5(l.idempotency_key)
limit %(limit)s;
