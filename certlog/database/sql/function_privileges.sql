-- Functions the migration creates: security, volatility, pinned settings, and who may execute them.
select p.oid::regprocedure::text as signature,
       p.prosecdef as security_definer,
       p.provolatile as volatility,
       coalesce(p.proconfig, '{}') as settings,
       has_function_privilege('anon', p.oid, 'EXECUTE') as anon_execute,
       has_function_privilege('authenticated', p.oid, 'EXECUTE') as authenticated_execute,
       has_function_privilege('service_role', p.oid, 'EXECUTE') as service_role_execute
from pg_proc p
where p.pronamespace = 'public'::regnamespace
  and p.proname in ('cert_notification_idempotency_key', 'purge_cert_notification_log', 'cert_notification_log_refuse_update')
order by p.proname;
