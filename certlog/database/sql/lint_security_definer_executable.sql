-- A SECURITY DEFINER function in public that anon or authenticated may execute (splinter's lints 0028 and 0029,
-- WARN on hosted Supabase). Kept as a catalog query because the advisors of the pinned CLI (3.1.0) do not have
-- these two lints: `supabase db advisors` says nothing about such a function (the advisors' control shows it).
select p.oid::regprocedure::text || ' by ' || r.rolname as object
from pg_proc p
cross join (values ('anon'), ('authenticated')) as r(rolname)
where p.pronamespace = 'public'::regnamespace and p.prosecdef
  and has_function_privilege(r.rolname, p.oid, 'EXECUTE')
order by 1;
