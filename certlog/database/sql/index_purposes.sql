-- Each index of cert_notification_log: its definition, the constraint it backs (primary key, unique), and the
-- foreign keys whose columns lead it (a referenced row's delete or key change looks them up through it).
select c.relname::text as index, pg_catalog.pg_get_indexdef(i.indexrelid) as definition,
       array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality as k(attnum, n)
             join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
             order by k.n) as columns,
       (select k.conname::text from pg_catalog.pg_constraint k where k.conindid = i.indexrelid
          and k.conrelid = i.indrelid and k.contype in ('p', 'u')) as constraint_name,
       array(select k.conname::text from pg_catalog.pg_constraint k
             where k.conrelid = i.indrelid and k.contype = 'f'
               and (i.indkey::int2[])[0:pg_catalog.cardinality(k.conkey) - 1] = k.conkey
             order by k.conname) as foreign_keys
from pg_catalog.pg_index i
join pg_catalog.pg_class c on c.oid = i.indexrelid
where i.indrelid = 'public.cert_notification_log'::regclass
order by c.relname;
