-- Faults for the advisors' negative control, each one a lint of Supabase's advisors (or, for the SECURITY
-- DEFINER function, of the catalog query kept beside them), run as postgres on a clone of a migrated database.

-- unindexed_foreign_keys (INFO, failing here): a foreign key of the control's own, without an index (not one of
-- the migration's, so that a migration missing that key cannot take the fault away). RLS on: nothing else to find.
create table public.certlog_control_parent (id int primary key);
create table public.certlog_control_child (id int primary key, parent_id int references public.certlog_control_parent);
alter table public.certlog_control_parent enable row level security;
alter table public.certlog_control_child enable row level security;

-- function_search_path_mutable (WARN): a function whose search_path is not pinned.
create function public.certlog_control_mutable() returns int language sql as $$ select 1 $$;

-- rls_disabled_in_public (ERROR), an API-exposure lint: a table without RLS that anon may read, in an exposed
-- schema, and the same in a schema PostgREST does not expose, which the lint must leave alone.
create table public.certlog_control_exposed (id int primary key);
grant select on public.certlog_control_exposed to anon;
create schema certlog_control_hidden;
grant usage on schema certlog_control_hidden to anon;
create table certlog_control_hidden.certlog_control_unexposed (id int primary key);
grant select on certlog_control_hidden.certlog_control_unexposed to anon;

-- SECURITY DEFINER executable by anon (granted here) and authenticated (the legacy default privileges of the
-- migrated copy); search_path pinned, so nothing else is wrong with it.
create function public.certlog_control_definer() returns int language sql security definer set search_path = ''
  as $$ select 1 $$;
grant execute on function public.certlog_control_definer() to anon;
