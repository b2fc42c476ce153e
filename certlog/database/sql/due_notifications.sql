-- What the cron job finds due on a day: each certification whose expiry date minus a schedule's days
-- (passed in from the table contract) is that day, with its recipient, the peer mentor.
select c.id as certification_id, s.notification_type, c.peer_mentor_id as recipient_id
from public.peer_mentor_certifications c
join unnest(%(types)s::text[], %(days_before)s::int[]) as s(notification_type, days_before)
  on c.expires_on = %(day)s::date + s.days_before  -- a hash join: one pass over the certifications
order by c.id, s.notification_type;
