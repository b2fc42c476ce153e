-- splinter rls_policy_always_true (WARN): a policy whose USING or WITH CHECK is literally true.
select p.policyname as object
from pg_policies p
where p.schemaname = 'public' and p.tablename = 'cert_notification_log'
  and (coalesce(p.qual, '') in ('true', '(true)') or coalesce(p.with_check, '') in ('true', '(true)'));
