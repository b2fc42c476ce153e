-- Seeded notifications in a stable pseudo-random order, with the scheduled day their key was made from.
select l.certification_id, l.notification_type, l.recipient_id, l.idempotency_key,
       (c.expires_on - case l.notification_type when 'expiry_warning_90d' then 90 when 'expiry_warning_30d' then 30
                                               when 'expiry_warning_7d' then 7 else 0 end) as scheduled_on
from public.cert_notification_log l
join public.peer_mentor_certifications c on c.id = l.certification_id
order by md5(l.id::text)
limit %(limit)s;
