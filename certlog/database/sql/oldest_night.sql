-- The first night of the log (the oldest sent_at, its day in UTC) and how many rows were sent that night:
-- what the nightly purge deletes once those rows turn a year old.
select (min(sent_at) at time zone 'UTC')::date as night,
       (select pg_catalog.count(*) from public.cert_notification_log
        where sent_at < ((select (min(sent_at) at time zone 'UTC')::date + 1 from public.cert_notification_log)
                         at time zone 'UTC')) as rows
from public.cert_notification_log;
