-- splinter anon/authenticated_security_definer_function_executable (WARN).
select p.oid::regprocedure::text || ' by ' || r.rolname as object
from pg_proc p
cross join (values ('anon'), ('authenticated')) as r(rolname)
where p.pronamespace = 'public'::regnamespace and p.prosecdef
  and has_function_privilege(r.rolname, p.oid, 'EXECUTE');
