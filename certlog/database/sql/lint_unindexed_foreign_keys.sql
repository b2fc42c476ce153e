-- splinter unindexed_foreign_keys (INFO, checked here as a requirement): a foreign key whose
-- columns are not the leading columns of some index.
select c.conname as object
from pg_constraint c
where c.contype = 'f' and c.conrelid = 'public.cert_notification_log'::regclass
  and not exists (
    select 1 from pg_index i
    where i.indrelid = c.conrelid
      and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] operator(pg_catalog.@>) c.conkey
      and c.conkey operator(pg_catalog.@>) (i.indkey::int2[])[0:cardinality(c.conkey) - 1]
  );
