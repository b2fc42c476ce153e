-- cert_notification_log: internal, append-only log that lets the nightly
-- certification-expiry cron job (a Supabase Edge Function using the
-- service-role key) send each notification exactly once.
--
-- Depends on Tier 0: public.users and public.peer_mentor_certifications.
-- Runs as role postgres (not a superuser on hosted Supabase).
-- Idempotent: every statement converges, none drops or rewrites data.
--
-- Idempotency key (the deduplication mechanism):
--   lowercase hex SHA-256 of '{certification_id}|{notification_type}|{YYYY-MM-DD}'
--   where the date is the cron job's scheduled run date in UTC, never the send
--   time, so a retry on the same day produces the same key. The key holds no
--   PII: the table refuses anything but 64 lowercase hex characters.
--   The Edge Function computes it (supabase/functions/_shared/); in SQL,
--   public.cert_notification_idempotency_key(certification_id, notification_type, scheduled_on).
--
-- The cron job's two calls, through PostgREST with the service-role key:
--   supabase.rpc('cert_notifications_already_sent', { certification_ids, notification_types })
--     -> the positions of tonight's pairs that were already sent (one round trip for the batch);
--   supabase.from('cert_notification_log')
--     .upsert(rows, { onConflict: 'idempotency_key', ignoreDuplicates: true }).select('idempotency_key')
--     -> INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING: a returned key means
--        "send it now", a missing one "already sent".

-- The foreign keys briefly lock public.users and public.peer_mentor_certifications
-- against writes: give up rather than queue behind a long transaction.
set lock_timeout = '5s';
set statement_timeout = '1min';

create table if not exists public.cert_notification_log (
  id uuid not null default gen_random_uuid(),
  certification_id uuid not null,
  notification_type text not null,
  sent_at timestamptz not null default now(),
  recipient_id uuid not null,
  idempotency_key text not null,
  constraint cert_notification_log_pkey primary key (id),
  constraint cert_notification_log_certification_id_fkey
    foreign key (certification_id) references public.peer_mentor_certifications (id)
    on delete cascade,
  constraint cert_notification_log_recipient_id_fkey
    foreign key (recipient_id) references public.users (id),
  constraint cert_notification_log_notification_type_check
    check (notification_type in ('expiry_warning_90d', 'expiry_warning_30d', 'expiry_warning_7d', 'expired')),
  constraint cert_notification_log_idempotency_key_key unique (idempotency_key),
  constraint cert_notification_log_idempotency_key_format_check
    check (idempotency_key ~ '^[0-9a-f]{64}$')
);

-- The cron job's batch check: "was this type already sent for this certification?"
create index if not exists cert_notification_log_certification_id_notification_type_idx
  on public.cert_notification_log (certification_id, notification_type);

-- Covers the foreign key to public.users (Supabase linter: unindexed_foreign_keys).
create index if not exists cert_notification_log_recipient_id_idx
  on public.cert_notification_log (recipient_id);

-- Serves the retention purge (delete where sent_at < now() - interval).
create index if not exists cert_notification_log_sent_at_idx
  on public.cert_notification_log (sent_at);

-- RLS on, and deliberately no policy: the table is internal to the notification
-- system, so anon and authenticated see and write nothing even if a grant slips
-- in. service_role (BYPASSRLS) is the only writer. Supabase's linter reports
-- this as INFO rls_enabled_no_policy: intended.
alter table public.cert_notification_log enable row level security;

-- Privileges that hold under both of Supabase's default-privilege modes
-- (legacy auto-expose and revoked): clients get nothing, TRUNCATE included;
-- service_role gets what "insert ... on conflict (idempotency_key) do nothing
-- returning id" and the dedup lookup need: INSERT and SELECT.
revoke all on table public.cert_notification_log from public, anon, authenticated, service_role;
grant select, insert on table public.cert_notification_log to service_role;

create or replace function public.cert_notification_idempotency_key(
  certification_id uuid,
  notification_type text,
  scheduled_on date
) returns text
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
  select encode(
    pg_catalog.sha256(pg_catalog.convert_to(
      certification_id::text || '|' || notification_type || '|'
        || pg_catalog.to_char(scheduled_on::timestamp, 'YYYY-MM-DD'),
      'UTF8')),
    'hex')
$$;

comment on function public.cert_notification_idempotency_key(uuid, text, date) is
  'Idempotency key of one cert_notification_log entry: lowercase hex SHA-256 of '
  '''{certification_id}|{notification_type}|{YYYY-MM-DD}'', the date being the '
  'scheduled run date (UTC). Deterministic and free of PII.';

revoke all on function public.cert_notification_idempotency_key(uuid, text, date) from public, anon, authenticated;
grant execute on function public.cert_notification_idempotency_key(uuid, text, date) to service_role;

-- The cron job's batch check, as an RPC: which of tonight's (certification, type) pairs were
-- already sent? Returns their 1-based positions. One call for the whole batch (tens of thousands
-- of pairs would not fit in a URL as PostgREST filters); each pair is one probe of the composite
-- index (the LIMIT 1 keeps it a probe at any batch size). SECURITY INVOKER: only service_role,
-- which may read the table, gets an answer.
create or replace function public.cert_notifications_already_sent(
  certification_ids uuid[],
  notification_types text[]
) returns setof integer
language sql
stable
parallel safe
set search_path = ''
as $$
  select p.position::integer
  from unnest(certification_ids, notification_types)  -- multi-argument unnest is syntax, not a function
         with ordinality as p(certification_id, notification_type, position)
  cross join lateral (
    select 1 from public.cert_notification_log l
    where l.certification_id = p.certification_id and l.notification_type = p.notification_type
    limit 1
  ) as sent
  order by p.position
$$;

comment on function public.cert_notifications_already_sent(uuid[], text[]) is
  'The cron job''s batch check: 1-based positions of the (certification_ids[i], notification_types[i]) '
  'pairs already in cert_notification_log. Callable by service_role only (POST /rest/v1/rpc/...).';

revoke all on function public.cert_notifications_already_sent(uuid[], text[]) from public, anon, authenticated;
grant execute on function public.cert_notifications_already_sent(uuid[], text[]) to service_role;

-- Append-only: UPDATE is refused for every role, the owner included.
create or replace function public.cert_notification_log_refuse_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'cert_notification_log is append-only: % is not allowed', tg_op
    using errcode = '55000',
          hint = 'Insert a new row with a new idempotency_key; rows leave only by cascade or by public.purge_cert_notification_log().';
end;
$$;

revoke all on function public.cert_notification_log_refuse_update() from public, anon, authenticated, service_role;

create or replace trigger cert_notification_log_refuse_update
  before update on public.cert_notification_log
  for each statement
  execute function public.cert_notification_log_refuse_update();

-- Retention: rows older than the given interval (default 1 year) are removed.
-- The interval must be at least 100 days, so that no certification can be
-- sent a warning a second time within its 90-day warning window.
create or replace function public.purge_cert_notification_log(
  older_than interval default interval '1 year'
) returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  removed bigint;
begin
  if older_than is null or older_than < interval '100 days' then
    raise exception 'purge_cert_notification_log: older_than must be at least 100 days, got %', older_than
      using errcode = '22023';
  end if;
  delete from public.cert_notification_log where sent_at < pg_catalog.now() - older_than;
  get diagnostics removed = row_count;
  return removed;
end;
$$;

comment on function public.purge_cert_notification_log(interval) is
  'Deletes cert_notification_log rows whose sent_at is older than older_than '
  '(default 1 year, at least 100 days); returns how many. Callable by service_role only.';

revoke all on function public.purge_cert_notification_log(interval) from public, anon, authenticated;
grant execute on function public.purge_cert_notification_log(interval) to service_role;

comment on table public.cert_notification_log is
  'Append-only log of certification-expiry notifications sent by the nightly cron job '
  '(Edge Function, service-role key); one row per notification, deduplicated by idempotency_key. '
  'Internal: RLS enabled with no policy, no client access.';
comment on column public.cert_notification_log.certification_id is
  'The certification notified about; rows are deleted with it (ON DELETE CASCADE).';
comment on column public.cert_notification_log.notification_type is
  'One of expiry_warning_90d, expiry_warning_30d, expiry_warning_7d, expired.';
comment on column public.cert_notification_log.sent_at is
  'When the notification was sent (default now()).';
comment on column public.cert_notification_log.recipient_id is
  'The user the notification went to.';
comment on column public.cert_notification_log.idempotency_key is
  'Lowercase hex SHA-256 of ''{certification_id}|{notification_type}|{YYYY-MM-DD}'', '
  'the date being the scheduled run date (UTC), not the send time; compute it with '
  'public.cert_notification_idempotency_key(). 64 hex characters, never PII. '
  'Insert with ON CONFLICT (idempotency_key) DO NOTHING.';

reset lock_timeout;
reset statement_timeout;
