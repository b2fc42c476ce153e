-- The cron job's batch check, as PostgREST runs it for the Edge Function's
--   supabase.rpc('cert_notifications_already_sent', { certification_ids, notification_types, expires_on })
-- (POST /rest/v1/rpc/cert_notifications_already_sent): the JSON body's keys become the named
-- arguments, the set of positions comes back as a JSON array.
select coalesce(json_agg(pgrst_call.pgrst_scalar), '[]'::json) as body
from json_to_record(%(body)s::json) as pgrst_args(certification_ids uuid[], notification_types text[], expires_on date[]),
     lateral public.cert_notifications_already_sent(
       certification_ids := pgrst_args.certification_ids,
       notification_types := pgrst_args.notification_types,
       expires_on := pgrst_args.expires_on) as pgrst_call(pgrst_scalar);
