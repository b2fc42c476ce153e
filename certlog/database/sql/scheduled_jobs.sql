-- The pg_cron jobs scheduled in this database, as a second apply of the migrations must leave them (AC-7).
select coalesce(jobname, '(unnamed)') as jobname, schedule, command, username
from cron.job
where database = current_database()
order by jobname nulls first, jobid;
