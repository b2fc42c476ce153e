-- Indexes of cert_notification_log: name, access method, key columns in order, unique, partial.
select i.relname as name,
       am.amname as method,
       array(select a.attname from unnest(x.indkey::int2[]) with ordinality k(attnum, ord)
             join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum
             order by k.ord)::text[] as columns,
       x.indisunique as is_unique,
       x.indpred is not null as is_partial,
       x.indisvalid as is_valid
from pg_index x
join pg_class i on i.oid = x.indexrelid
join pg_am am on am.oid = i.relam
where x.indrelid = 'public.cert_notification_log'::regclass
order by i.relname;
