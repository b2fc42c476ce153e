-- What each Supabase role may do on cert_notification_log, as the catalog says.
select r.rolname as role, p.privilege,
       has_table_privilege(r.rolname, 'public.cert_notification_log', p.privilege) as granted
from pg_roles r
cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) as p(privilege)
where r.rolname in ('anon', 'authenticated', 'service_role')
order by r.rolname, p.privilege;
