-- splinter policy_exists_rls_disabled (ERROR): policies on a table whose RLS is off.
select distinct p.tablename as object
from pg_policies p
join pg_class c on c.relname = p.tablename and c.relnamespace = 'public'::regnamespace
where p.schemaname = 'public' and p.tablename = 'cert_notification_log' and not c.relrowsecurity;
