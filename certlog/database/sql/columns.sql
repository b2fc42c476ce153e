-- Columns of cert_notification_log: name, type, NOT NULL, default.
select a.attname as name,
       format_type(a.atttypid, a.atttypmod) as type,
       a.attnotnull as not_null,
       pg_get_expr(d.adbin, d.adrelid) as default_expr
from pg_attribute a
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attrelid = 'public.cert_notification_log'::regclass and a.attnum > 0 and not a.attisdropped
order by a.attnum;
