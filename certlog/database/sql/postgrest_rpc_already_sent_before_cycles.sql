-- The batch check as the Edge Function called it before cycles (two arguments), as PostgREST runs it:
--   supabase.rpc('cert_notifications_already_sent', { certification_ids, notification_types })
select coalesce(json_agg(pgrst_call.pgrst_scalar), '[]'::json) as body
from json_to_record(%(body)s::json) as pgrst_args(certification_ids uuid[], notification_types text[]),
     lateral public.cert_notifications_already_sent(
       certification_ids := pgrst_args.certification_ids,
       notification_types := pgrst_args.notification_types) as pgrst_call(pgrst_scalar);
