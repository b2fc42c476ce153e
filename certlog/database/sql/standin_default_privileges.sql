-- What anon, authenticated and service_role get on a table, a sequence and a function that
-- postgres has just created in public (run inside a transaction that is rolled back).
select r.rolname as role, o.kind, array(
         select p from unnest(o.privileges) as p
         where case o.kind
                 when 'table' then has_table_privilege(r.rolname, 'public.certlog_probe_table', p)
                 when 'sequence' then has_sequence_privilege(r.rolname, 'public.certlog_probe_sequence', p)
                 else has_function_privilege(r.rolname, 'public.certlog_probe_function()', p) end
         order by p)::text[] as granted
from pg_roles r
cross join (values
    ('table', array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']),
    ('sequence', array['USAGE', 'SELECT', 'UPDATE']),
    ('function', array['EXECUTE'])) as o(kind, privileges)
where r.rolname in ('anon', 'authenticated', 'service_role')
order by 1, 2;
