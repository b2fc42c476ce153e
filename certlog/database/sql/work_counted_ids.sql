-- On a copy where a writing workload is counted (certlog.session.measure): where the id's default is
-- gen_random_uuid(), a generator of uniformly spread ids that gives the same ids every run in its place. A random
-- id lands on a random primary-key page, so whether 1 000 inserted rows split a page, and the buffers and WAL
-- that costs, would change from run to run (about 1% of the upsert's WAL, 3 WAL records, 6 buffers).
-- It counts in a setting of the session, not a sequence: a sequence would add a buffer per row and
-- WAL of its own; a setting costs neither, and goes back to where it was when a round is rolled back.
create or replace function extensions.certlog_counted_id() returns uuid
language sql volatile as
$$ select pg_catalog.md5('certlog ' || pg_catalog.set_config('certlog.counted_id',
     (coalesce(nullif(pg_catalog.current_setting('certlog.counted_id', true), ''), '0')::bigint + 1)::text,
     false))::uuid $$;
grant execute on function extensions.certlog_counted_id() to service_role;
do $$
begin
  if (select pg_catalog.pg_get_expr(d.adbin, d.adrelid)
      from pg_catalog.pg_attrdef d
      join pg_catalog.pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
      where d.adrelid = 'public.cert_notification_log'::regclass and a.attname = 'id') = 'gen_random_uuid()' then
    alter table public.cert_notification_log alter column id set default extensions.certlog_counted_id();
  end if;
end
$$;
