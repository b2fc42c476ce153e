-- What the upsert's trigger (cert_notification_log_once_per_cycle, third migration) asks of the table for each
-- inserted row, as EXPLAIN sees it: a row of the same certification and type sent in the current cycle (104
-- days: how far back the 90-day warning counts, cert_notification_counts_from).
select l.idempotency_key
from public.peer_mentor_certifications c
join public.cert_notification_log l
  on l.certification_id = c.id and l.notification_type = %(notification_type)s
where c.id = %(certification_id)s
  and l.sent_at >= ((c.expires_on - 104)::timestamp at time zone 'UTC')
limit 1;
