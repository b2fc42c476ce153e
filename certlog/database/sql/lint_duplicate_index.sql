-- splinter duplicate_index (WARN): two indexes with the same definition on the table.
select string_agg(i.indexrelid::regclass::text, ' = ') as object
from pg_index i
where i.indrelid = 'public.cert_notification_log'::regclass
group by i.indkey::text, i.indclass::text, coalesce(pg_get_expr(i.indexprs, i.indrelid), ''),
         coalesce(pg_get_expr(i.indpred, i.indrelid), '')
having count(*) > 1;
