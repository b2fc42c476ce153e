-- One seeded log row, with a coordinator of its certification's chapter and one of another chapter.
select l.certification_id, l.notification_type, l.idempotency_key, l.recipient_id,
       (select count(*) from public.cert_notification_log x where x.certification_id = l.certification_id) as cert_rows,
       (select u.id from public.users u where u.role = 'coordinator' and u.chapter_id = c.chapter_id
        order by u.id limit 1) as own_coordinator,
       (select u.id from public.users u where u.role = 'coordinator' and u.chapter_id <> c.chapter_id
        order by u.id limit 1) as other_coordinator
from public.cert_notification_log l
join public.peer_mentor_certifications c on c.id = l.certification_id
where l.notification_type = 'expiry_warning_30d'
order by l.idempotency_key
limit 1;
