-- The pg_cron jobs of this database (its own cron schema), as a second apply of the migrations must leave them
-- (AC-7).
select coalesce(jobname, '(unnamed)') as jobname, schedule, command, username
from cron.job
order by jobname nulls first, jobid;
