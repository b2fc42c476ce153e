-- splinter function_search_path_mutable (WARN): functions without a pinned search_path.
select p.oid::regprocedure::text as object
from pg_proc p
left join pg_depend d on d.objid = p.oid and d.deptype = 'e'
where p.pronamespace = 'public'::regnamespace and d.objid is null
  and p.proname in ('cert_notification_idempotency_key', 'purge_cert_notification_log',
                    'cert_notification_log_refuse_update')
  and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%');
