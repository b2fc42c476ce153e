-- Supabase's roles with their real attributes and memberships.
-- Run as a superuser. Creates only what is missing, so it also runs on a real Supabase image.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'supabase_admin') then
    create role supabase_admin superuser createdb createrole replication bypassrls login;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'postgres') then
    create role postgres nosuperuser createdb createrole login replication bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin inherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin inherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin inherit bypassrls;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
  if (select rolsuper from pg_roles where rolname = 'postgres') then
    raise warning 'role postgres is a superuser here; on hosted Supabase it is not, so this server cannot prove the migration runs without superuser rights';
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;

alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- Supabase sets this for postgres, so that extensions (pgTAP among them) resolve unqualified.
alter role postgres set search_path to "$user", public, extensions;
