-- The columns of cert_notification_log a hypothetical index may be made of.
select a.attname::text as name
from pg_catalog.pg_attribute a
where a.attrelid = 'public.cert_notification_log'::regclass and a.attnum > 0 and not a.attisdropped
order by a.attnum;
