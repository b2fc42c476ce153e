-- Who owns the current database and the schemas the Supabase CLI and the migration use.
select (select pg_get_userbyid(datdba) from pg_database where datname = current_database()) as database_owner,
       (select nspowner::regrole::text from pg_namespace where nspname = 'extensions') as extensions_owner,
       (select nspowner::regrole::text from pg_namespace where nspname = 'public') as public_owner,
       (select nspowner::regrole::text from pg_namespace where nspname = 'auth') as auth_owner,
       array(select extname || ' in ' || extnamespace::regnamespace::text from pg_extension
             where extname in ('pgtap', 'plpgsql_check', 'pg_cron') order by 1)::text[] as extensions;
