-- cert_notification_log across a certification's whole life: renewals, corrections, missed nights and
-- overlapping runs (README: The notification rule).
--
-- Depends on 20261125030000_create_cert_notification_log.sql. Runs as role postgres. Idempotent: every
-- statement is a create-or-replace; no row is read, changed or removed, so rows logged before it stay as
-- they are and keep counting in their cycle.
--
-- A cycle is one expiry date of one certification. An expiry date moved by at most 14 days is a correction
-- within the cycle; a renewal moves it further (a year or more) and starts a new cycle. A notification of a
-- type counts as sent in the cycle that expires on E if it was sent on or after E - its days - 14 days (UTC).
--
-- What changes for the cron job:
--   - the batch check takes each pair's expiry date and answers for that cycle:
--       supabase.rpc('cert_notifications_already_sent', { certification_ids, notification_types, expires_on });
--     the two-argument call, which could not tell a renewal's cycle from the old one, now fails (0A000);
--   - the key's date is the notification's due day in its cycle (expiry date minus the type's days), so a
--     notification sent late, by whichever night's run, has one key;
--   - the database keeps one row per certification, type and cycle: a row whose (certification, type) already
--     has a row in the cycle takes that row's key, so ON CONFLICT skips it as it skips a key already there; under
--     a lock per (certification, type), so two overlapping runs cannot both store it.

set lock_timeout = '5s';
set statement_timeout = '1min';

-- The schedule: how many days before expiry each notification is due (null for anything else).
create or replace function public.cert_notification_days_before(notification_type text)
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case notification_type
    when 'expiry_warning_90d' then 90
    when 'expiry_warning_30d' then 30
    when 'expiry_warning_7d' then 7
    when 'expired' then 0
  end
$$;

comment on function public.cert_notification_days_before(text) is
  'Days before the expiry date a notification of this type is due (null for anything else).';

-- The rule: on a night, the most urgent notification whose day has come; `expired` until 30 days after expiry.
create or replace function public.cert_notification_due(expires_on date, scheduled_on date)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case when scheduled_on <= expires_on + 30 then (
    select u.notification_type
    from unnest(array['expired', 'expiry_warning_7d', 'expiry_warning_30d', 'expiry_warning_90d'])
           with ordinality as u(notification_type, urgency)
    where scheduled_on >= expires_on - public.cert_notification_days_before(u.notification_type)
    order by u.urgency
    limit 1)
  end
$$;

comment on function public.cert_notification_due(date, date) is
  'The notification due on scheduled_on for a certification expiring on expires_on: the most urgent one whose '
  'day has come (a missed one is sent late, unless a more urgent one is due by then; expired until 30 days after '
  'expiry), or null. Each type is sent at most once per cycle (public.cert_notification_counts_from).';

-- From how many days before its cycle's expiry date a row of this type counts as sent in that cycle: its own days
-- plus 14, so that an expiry date corrected by up to 14 days keeps what its cycle was sent.
create or replace function public.cert_notification_counts_from(notification_type text)
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
  select public.cert_notification_days_before(notification_type) + 14
$$;

comment on function public.cert_notification_counts_from(text) is
  'A row of this notification_type counts as sent in the cycle that expires on E if its sent_at is on or after '
  'E minus this many days (00:00 UTC): the type''s days before expiry plus 14 (an expiry date corrected by up to '
  '14 days stays in its cycle).';

revoke all on function public.cert_notification_days_before(text) from public, anon, authenticated;
revoke all on function public.cert_notification_due(date, date) from public, anon, authenticated;
revoke all on function public.cert_notification_counts_from(text) from public, anon, authenticated;
grant execute on function public.cert_notification_days_before(text) to service_role;
grant execute on function public.cert_notification_due(date, date) to service_role;
grant execute on function public.cert_notification_counts_from(text) to service_role;

-- The batch check, per cycle: which of tonight's (certification, type, expiry date) triples were already sent in
-- that cycle? 1-based positions; one probe of the composite index per triple (the LIMIT 1 keeps it a probe). How far
-- back a cycle reaches is asked once per type in the batch, not once per triple: each call of a function whose
-- search_path is pinned costs microseconds.
create or replace function public.cert_notifications_already_sent(
  certification_ids uuid[],
  notification_types text[],
  expires_on date[]
) returns setof integer
language sql
stable
parallel safe
set search_path = ''
as $$
  with reach as materialized (
    select t.notification_type, public.cert_notification_counts_from(t.notification_type) as days
    from (select distinct u from unnest(notification_types) as u) as t(notification_type)
  )
  select p.position::integer
  from unnest(certification_ids, notification_types, expires_on)  -- multi-argument unnest is syntax
         with ordinality as p(certification_id, notification_type, expires_on, position)
  join reach r on r.notification_type = p.notification_type
  cross join lateral (
    select 1 from public.cert_notification_log l
    where l.certification_id = p.certification_id and l.notification_type = p.notification_type
      and l.sent_at >= ((p.expires_on - r.days)::timestamp at time zone 'UTC')
    limit 1
  ) as sent
  order by p.position
$$;

comment on function public.cert_notifications_already_sent(uuid[], text[], date[]) is
  'The cron job''s batch check: 1-based positions of the (certification_ids[i], notification_types[i]) pairs '
  'already sent in the cycle that expires on expires_on[i] (the certification''s current expiry date). '
  'Callable by service_role only (POST /rest/v1/rpc/...).';

revoke all on function public.cert_notifications_already_sent(uuid[], text[], date[])
  from public, anon, authenticated;
grant execute on function public.cert_notifications_already_sent(uuid[], text[], date[]) to service_role;

-- The two-argument batch check cannot tell a renewal's new cycle from the old one: it now says so.
create or replace function public.cert_notifications_already_sent(
  certification_ids uuid[],
  notification_types text[]
) returns setof integer
language plpgsql
stable
set search_path = ''
as $$
begin
  raise exception 'cert_notifications_already_sent(certification_ids, notification_types) no longer answers '
                  '(% certification ids, % types given): it cannot tell a renewed certification''s new cycle from '
                  'the previous one', pg_catalog.cardinality(certification_ids), pg_catalog.cardinality(notification_types)
    using errcode = '0A000',
          hint = 'Pass expires_on too, one per pair (the certification''s current expiry date): '
                 'supabase.rpc(''cert_notifications_already_sent'', { certification_ids, notification_types, '
                 'expires_on }).';
end;
$$;

comment on function public.cert_notifications_already_sent(uuid[], text[]) is
  'Replaced by cert_notifications_already_sent(certification_ids, notification_types, expires_on): '
  'raises 0A000 (feature_not_supported), saying so.';

-- One row per certification, type and cycle, whatever key and whichever run: a notification already sent in the
-- row's cycle under another key takes that key, so the UNIQUE constraint answers for it as for the same key
-- (ON CONFLICT skips it; a plain INSERT raises unique_violation), after the table's other constraints have judged
-- the row. SECURITY DEFINER: it reads the certification's expiry date, which the inserting role may not be granted;
-- nobody may call it directly.
create or replace function public.cert_notification_log_once_per_cycle()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  sent_key text;
begin
  if new.idempotency_key is null or new.idempotency_key !~ '^[0-9a-f]{64}$' then
    return new;  -- a key the table refuses (cert_notification_log_idempotency_key_format_check) is left to it
  end if;
  -- Overlapping runs serialise here per (certification, type), until the inserting transaction ends.
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended(new.certification_id::text || '|' || new.notification_type, 0));
  select l.idempotency_key into sent_key
  from public.peer_mentor_certifications c
  join public.cert_notification_log l
    on l.certification_id = c.id and l.notification_type = new.notification_type
  where c.id = new.certification_id
    and l.sent_at >= ((c.expires_on - public.cert_notification_counts_from(new.notification_type))::timestamp
                       at time zone 'UTC')
  limit 1;
  if sent_key is not null then
    new.idempotency_key := sent_key;  -- already sent in this cycle: the same notification, so the same key
  end if;
  return new;
end;
$$;

revoke all on function public.cert_notification_log_once_per_cycle() from public, anon, authenticated, service_role;

create or replace trigger cert_notification_log_once_per_cycle
  before insert on public.cert_notification_log
  for each row
  execute function public.cert_notification_log_once_per_cycle();

comment on column public.cert_notification_log.idempotency_key is
  'Lowercase hex SHA-256 of ''{certification_id}|{notification_type}|{YYYY-MM-DD}'', the date being the '
  'notification''s scheduled run date: the day it is due in its cycle (the expiry date minus the type''s days, '
  'in UTC), not the send time, so every retry and every later run that sends it late makes the same key; '
  'compute it with public.cert_notification_idempotency_key(). 64 hex characters, never PII. '
  'Insert with ON CONFLICT (idempotency_key) DO NOTHING; one row per certification, type and cycle is kept.';

comment on table public.cert_notification_log is
  'Append-only log of certification-expiry notifications sent by the nightly cron job '
  '(Edge Function, service-role key); one row per certification, notification type and cycle (one expiry date), '
  'deduplicated by idempotency_key. Internal: RLS enabled with no policy, no client access.';

reset lock_timeout;
reset statement_timeout;
