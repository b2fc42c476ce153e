-- Foreign keys of cert_notification_log: local column, referenced table and column, delete rule.
select a.attname as column_name,
       c.confrelid::regclass::text as references_table,
       ra.attname as references_column,
       c.confdeltype as on_delete  -- a no action, r restrict, c cascade, n set null, d set default
from pg_constraint c
join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = c.confkey[1]
where c.conrelid = 'public.cert_notification_log'::regclass and c.contype = 'f' and cardinality(c.conkey) = 1
order by a.attname;
