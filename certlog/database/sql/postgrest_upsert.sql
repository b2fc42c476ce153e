-- The cron job's insert, as PostgREST runs it for the Edge Function's
--   supabase.from('cert_notification_log')
--     .upsert(rows, { onConflict: 'idempotency_key', ignoreDuplicates: true }).select('idempotency_key')
-- (POST /rest/v1/cert_notification_log?on_conflict=idempotency_key&select=idempotency_key with
-- Prefer: resolution=ignore-duplicates,return=representation): the JSON body becomes rows through
-- json_populate_recordset, conflicting keys are skipped, the stored rows come back as JSON.
-- The function sends its rows sorted by key, so overlapping runs lock keys in one order (no deadlock).
with pgrst_source as (
  insert into public.cert_notification_log (certification_id, notification_type, recipient_id, idempotency_key)
  select pgrst_body.certification_id, pgrst_body.notification_type, pgrst_body.recipient_id,
         pgrst_body.idempotency_key
  from json_populate_recordset(null::public.cert_notification_log, %(body)s::json) as pgrst_body
  on conflict (idempotency_key) do nothing
  returning public.cert_notification_log.*
)
select coalesce(json_agg(json_build_object('idempotency_key', s.idempotency_key)), '[]'::json) as body
from pgrst_source as s;
