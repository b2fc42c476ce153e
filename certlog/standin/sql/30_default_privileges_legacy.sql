-- Legacy default privileges (auto-expose): every new table, function and sequence
-- that postgres creates in public is fully granted to anon and authenticated.
-- Only RLS would stand between them and the rows.
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
