-- Row count and a content checksum of cert_notification_log, to prove nothing was lost or changed.
select count(*) as row_count,
       coalesce(md5(string_agg(l::text, E'\n' order by l.id)), md5('')) as checksum
from public.cert_notification_log as l;
