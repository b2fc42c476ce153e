-- Per database, as a superuser: the schemas of a Supabase project, the extensions that
-- supautils would let postgres create, and the auth.* helpers RLS policies call.
-- The database itself belongs to postgres (the harness creates it so), and public keeps
-- PostgreSQL 15's owner pg_database_owner, which is then postgres.
create schema if not exists extensions;
alter schema extensions owner to postgres;  -- supabase test db creates pgTAP in it as postgres
create schema if not exists auth;

grant usage on schema public to anon, authenticated, service_role;
grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema extensions to anon, authenticated, service_role;

-- supautils lets postgres create these on Supabase; vanilla PostgreSQL needs a superuser,
-- so the stand-in creates them up front (`create extension if not exists` is then a no-op).
-- pg_stat_statements is installed in extensions on every Supabase project (supabase inspect db reads it).
do $$
declare
  wanted text;
begin
  foreach wanted in array array['pgtap', 'plpgsql_check', 'pg_stat_statements'] loop
    if exists (select from pg_extension where extname = wanted) then
      raise notice 'certlog-standin: server extension %', wanted;
    elsif exists (select from pg_available_extensions where name = wanted) then
      execute format('create extension %I with schema extensions', wanted);
      raise notice 'certlog-standin: supplied extension %', wanted;
    else
      raise notice 'certlog-standin: missing extension % (not installed on the server)', wanted;
    end if;
  end loop;
end
$$;

-- The functions of supabase/auth migrations/20240624145325_recreate_auth_functions.up.sql.
do $$
begin
  if to_regprocedure('auth.uid()') is null then
    create function auth.uid() returns uuid language sql stable set search_path to '' as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      )::uuid
    $f$;
  end if;
  if to_regprocedure('auth.role()') is null then
    create function auth.role() returns text language sql stable set search_path to '' as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
      )::text
    $f$;
  end if;
  if to_regprocedure('auth.email()') is null then
    create function auth.email() returns text language sql stable set search_path to '' as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim.email', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
      )::text
    $f$;
  end if;
  if to_regprocedure('auth.jwt()') is null then
    create function auth.jwt() returns jsonb language sql stable set search_path to '' as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
      )::jsonb
    $f$;
  end if;
end
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to anon, authenticated, service_role;
