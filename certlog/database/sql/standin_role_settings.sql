-- Cluster-wide settings of the Supabase roles (ALTER ROLE ... SET), one row per setting.
select r.rolname as role, split_part(c, '=', 1) as name, substr(c, strpos(c, '=') + 1) as value
from pg_db_role_setting s
join pg_roles r on r.oid = s.setrole
cross join unnest(s.setconfig) as c
where s.setdatabase = 0 and r.rolname in ('postgres', 'anon', 'authenticated', 'service_role', 'authenticator')
order by 1, 2;
