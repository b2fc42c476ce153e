-- The Supabase roles' attributes and memberships, as the stand-in (or a real project) has them.
select r.rolname as role, r.rolsuper as superuser, r.rolbypassrls as bypassrls, r.rolcanlogin as login,
       r.rolinherit as inherit,
       array(select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
             where m.member = r.oid order by g.rolname)::text[] as member_of
from pg_roles r
where r.rolname in ('postgres', 'anon', 'authenticated', 'service_role', 'authenticator')
order by r.rolname;
