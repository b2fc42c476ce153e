-- The cron job's insert with sent_at in the body (the simulation of nights gives each row its night's time),
-- as PostgREST runs an upsert whose rows carry that column too: otherwise as postgrest_upsert.sql.
with pgrst_source as (
  insert into public.cert_notification_log (certification_id, notification_type, sent_at, recipient_id,
                                            idempotency_key)
  select pgrst_body.certification_id, pgrst_body.notification_type, pgrst_body.sent_at, pgrst_body.recipient_id,
         pgrst_body.idempotency_key
  from json_populate_recordset(null::public.cert_notification_log, %(body)s::json) as pgrst_body
  on conflict (idempotency_key) do nothing
  returning public.cert_notification_log.*
)
select coalesce(json_agg(json_build_object('idempotency_key', s.idempotency_key)), '[]'::json) as body
from pgrst_source as s;
