-- One seeded log row (a 30-day warning whose certification's 7-day warning is not due yet, so a test may send
-- it), its certification's expiry date and row count, and coordinators of its chapter and of another chapter.
select l.certification_id, l.notification_type, l.idempotency_key, l.recipient_id, c.expires_on,
       (select count(*) from public.cert_notification_log x where x.certification_id = l.certification_id) as cert_rows,
       (select u.id from public.users u where u.role = 'coordinator' and u.chapter_id = c.chapter_id
        order by u.id limit 1) as own_coordinator,
       (select u.id from public.users u where u.role = 'coordinator' and u.chapter_id <> c.chapter_id
        order by u.id limit 1) as other_coordinator
from public.cert_notification_log l
join public.peer_mentor_certifications c on c.id = l.certification_id
where l.notification_type = 'expiry_warning_30d'
  and not exists (select 1 from public.cert_notification_log x
                  where x.certification_id = l.certification_id and x.notification_type = 'expiry_warning_7d')
order by l.idempotency_key
limit 1;
