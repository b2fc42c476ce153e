-- The documentation stored on a column of cert_notification_log.
select col_description('public.cert_notification_log'::regclass, a.attnum)
from pg_attribute a
where a.attrelid = 'public.cert_notification_log'::regclass and a.attname = %(column)s;
