-- What any committed write to cert_notification_log changes: the row count, or the newest row version
-- (an INSERT or an UPDATE leaves a row with a new xmin). Cheap at any size, unlike a content checksum.
select count(*) as row_count, coalesce(max(xmin::text::bigint), 0) as newest_xmin
from public.cert_notification_log;
