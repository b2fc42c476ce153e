-- The indexes of a table whose key starts with the given columns, in that order.
select i.indexrelid::regclass::text as index
from pg_index i
where i.indrelid = %(table)s::regclass
  and (select array_agg(a.attname::text order by k.n)
       from unnest(i.indkey) with ordinality as k(attnum, n)
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
       where k.n <= cardinality(%(columns)s::text[])) = %(columns)s::text[]
