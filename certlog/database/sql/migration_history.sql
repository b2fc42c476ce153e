-- The Supabase CLI's migration history (written by `supabase db push`).
select version, name, coalesce(array_length(statements, 1), 0) as statements
from supabase_migrations.schema_migrations
order by version;
