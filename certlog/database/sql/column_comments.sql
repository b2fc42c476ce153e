-- Each column's comment in full: what \d+ shows, cut to its wrapped Description column.
select a.attname as column_name, coalesce(col_description(a.attrelid, a.attnum), '') as comment
from pg_attribute a
where a.attrelid = %(table)s::regclass and a.attnum > 0 and not a.attisdropped
order by a.attnum;
