-- splinter rls_disabled_in_public (ERROR): tables in public without RLS, for this migration's table.
select c.oid::regclass::text as object
from pg_class c
where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
  and c.relname = 'cert_notification_log' and not c.relrowsecurity;
