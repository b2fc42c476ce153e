-- Storage of cert_notification_log: the table's main fork and each index, in bytes, per row, and each btree's
-- height (levels from root to leaf, pageinspect's bt_metap). Run after VACUUM, so the row count is exact.
with t as (
  select 'public.cert_notification_log'::regclass as oid,
         (select pg_catalog.count(*) from public.cert_notification_log) as row_count
)
select c.relname::text as relation,
       case c.relkind when 'r' then 'table' else am.amname::text end as kind,
       pg_catalog.pg_relation_size(c.oid) as bytes,
       t.row_count,
       case when am.amname = 'btree'
            then (select m.level + 1 from extensions.bt_metap(pg_catalog.format('%I.%I', n.nspname, c.relname)) m)
       end as btree_height
from t
join pg_catalog.pg_class c
  on c.oid = t.oid or c.oid in (select i.indexrelid from pg_catalog.pg_index i where i.indrelid = t.oid)
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_am am on am.oid = c.relam
order by c.relkind desc, c.relname;
