-- The schemas PostgREST exposes on this database: authenticator's pgrst.db_schemas (PostgREST's in-database
-- configuration), the setting for this database before the cluster-wide one. No rows when it has none.
select trim(exposed.schema) as schema
from (
  select substr(c, strpos(c, '=') + 1) as value
  from pg_db_role_setting s
  join pg_roles r on r.oid = s.setrole
  cross join unnest(s.setconfig) as c
  where r.rolname = 'authenticator' and c like 'pgrst.db\_schemas=%'
    and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
  order by s.setdatabase desc
  limit 1
) as setting
cross join unnest(string_to_array(setting.value, ',')) with ordinality as exposed(schema, position)
order by exposed.position;
