-- Row level security of cert_notification_log and its policies.
select c.relrowsecurity as rls_enabled,
       c.relforcerowsecurity as rls_forced,
       coalesce((select json_agg(json_build_object('name', p.policyname, 'command', p.cmd, 'roles', p.roles,
                                                   'using', p.qual, 'with_check', p.with_check))
                 from pg_policies p where p.schemaname = 'public' and p.tablename = 'cert_notification_log'),
                '[]'::json) as policies
from pg_class c
where c.oid = 'public.cert_notification_log'::regclass;
