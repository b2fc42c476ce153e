-- Constraints of cert_notification_log with their definitions.
select conname as name, contype as kind, pg_get_constraintdef(oid) as definition
from pg_constraint
where conrelid = 'public.cert_notification_log'::regclass
order by conname;
