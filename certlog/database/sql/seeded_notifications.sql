-- Seeded notifications in a stable pseudo-random order, with their certification's expiry date (their cycle).
select l.certification_id, l.notification_type, l.recipient_id, l.idempotency_key, c.expires_on
from public.cert_notification_log l
join public.peer_mentor_certifications c on c.id = l.certification_id
order by md5(l.idempotency_key)
limit %(limit)s;
