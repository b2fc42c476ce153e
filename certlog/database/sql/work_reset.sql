-- Forget what the statements of this database have cost so far (pg_stat_statements, this database only),
-- so that what the next statement costs can be read alone (work_statements.sql).
select extensions.pg_stat_statements_reset(0, (select oid from pg_catalog.pg_database
                                               where datname = pg_catalog.current_database()), 0);
