"""The pgTAP structure test, generated from the table contract.

supabase/tests/cert_notification_log_structure.sql is this module's output, committed so that
`supabase test db` runs it as it is; the suite fails while the committed file differs from
what the contract says (`certlog contract --write` regenerates it). Every assertion's
description starts with the requirement ids it proves: "AC-1, AC-6: ...".
"""

from __future__ import annotations

from certlog.model.contract import TABLE_PRIVILEGES, Contract
from certlog.paths import PGTAP_TESTS

STRUCTURE_FILE = PGTAP_TESTS / "cert_notification_log_structure.sql"
FK_ACTIONS = ("case {col} when 'a' then 'no action' when 'r' then 'restrict' when 'c' then 'cascade' "
              "when 'n' then 'set null' when 'd' then 'set default' end")


def q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def array(items, cast: str = "text") -> str:
    return f"array[{', '.join(q(i) for i in items)}]::{cast}[]" if items else f"array[]::{cast}[]"


def _desc(requirements, text: str) -> str:
    return q(f"{', '.join(requirements)}: {text}")


class _Writer:
    """Collects one file's assertions: `add(call, requirements, words)` makes `select call(..., 'IDS: words');`."""

    def __init__(self, contract: Contract) -> None:
        self.c = contract
        self.lines: list[str] = []
        self.count = 0
        self.s, self.t = q(contract.schema), q(contract.table)
        self.rel = q(contract.qualified)

    def section(self, title: str) -> None:
        self.lines += ["", f"-- {title}"]

    def add(self, call: str, requirements, words: str) -> None:
        self.lines.append(f"select {call}, {_desc(requirements, words)});")
        self.count += 1

    def attnums(self, columns) -> str:
        return (f"array(select a.attnum from unnest({array(columns)}) with ordinality as c(name, n) "
                f"join pg_attribute a on a.attrelid = {self.rel}::regclass and a.attname = c.name "
                f"order by c.n)::int2[]")


def _table(w: _Writer) -> None:
    c, s, t, table = w.c, w.s, w.t, w.c.proves["table"]
    w.section("The table and its owner")
    w.add(f"has_table({s}, {t}", table, f"table {c.qualified} exists")
    w.add(f"table_owner_is({s}, {t}, {q(c.owner)}", c.proves["owner"],
          f"it belongs to {c.owner}, which runs the migrations on Supabase")
    names = [col.name for col in c.columns]
    w.add(f"columns_are({s}, {t}, {array(names, 'name')}", table,
          "it has exactly the columns of the task: " + ", ".join(names))


def _columns(w: _Writer) -> None:
    c, s, t, table = w.c, w.s, w.t, w.c.proves["table"]
    w.section("Columns")
    for col in c.columns:
        name = q(col.name)
        w.add(f"col_type_is({s}, {t}, {name}, {q(col.type)}", table, f"{col.name} is {col.type}")
        if col.not_null:
            w.add(f"col_not_null({s}, {t}, {name}", table, f"{col.name} is NOT NULL")
        else:
            w.add(f"col_is_null({s}, {t}, {name}", table, f"{col.name} allows NULL")
        if col.default is not None:
            w.add(f"col_default_is({s}, {t}, {name}, {q(col.default)}", table, f"{col.name} defaults to {col.default}")
        else:
            w.add(f"col_hasnt_default({s}, {t}, {name}", table, f"{col.name} has no default")


def _keys(w: _Writer) -> None:
    c, s, t, rel = w.c, w.s, w.t, w.rel
    w.section("Keys and constraints")
    w.add(f"col_is_pk({s}, {t}, {array(c.primary_key, 'name')}", c.proves["table"],
          ", ".join(c.primary_key) + " is the primary key")
    for fk in c.foreign_keys:
        ref_schema, ref_table = fk.references.split(".")
        cols, refs = ", ".join(fk.columns), ", ".join(fk.references_columns)
        w.add(f"fk_ok({s}, {t}, {array(fk.columns, 'name')}, {q(ref_schema)}, {q(ref_table)}, "
              f"{array(fk.references_columns, 'name')}", fk.requirements, f"{cols} references {fk.references}({refs})")
        actions = (f"(select format('on delete %s, on update %s', {FK_ACTIONS.format(col='k.confdeltype')}, "
                   f"{FK_ACTIONS.format(col='k.confupdtype')}) from pg_constraint k where k.conrelid = {rel}::regclass "
                   f"and k.contype = 'f' and k.conkey = {w.attnums(fk.columns)})")
        expected = f"on delete {fk.on_delete}, on update {fk.on_update}"
        w.add(f"is({actions}, {q(expected)}", fk.requirements, f"the foreign key on {cols} is {expected.upper()}")
    for columns, requirements in c.unique:
        w.add(f"col_is_unique({s}, {t}, {array(columns, 'name')}", requirements, ", ".join(columns) + " is UNIQUE")
    for check in c.checks:
        if check.allowed:
            values = ", ".join(f"{q(v)}::text" for v in check.allowed)
            definition = f"CHECK (({check.column} = ANY (ARRAY[{values}])))"
            what = f"{check.column} accepts exactly {', '.join(check.allowed)}"
        else:
            definition = f"CHECK (({check.column} ~ {q(check.pattern)}::text))"
            what = f"{check.column} must match {check.pattern}"
        found = (f"(select pg_get_constraintdef(k.oid) from pg_constraint k where k.conrelid = {rel}::regclass "
                 f"and k.conname = {q(check.name)})")
        w.add(f"is({found}, {q(definition)}", check.requirements, f"{what} (CHECK {check.name})")


def _indexes(w: _Writer) -> None:
    c, s, t = w.c, w.s, w.t
    w.section("Indexes")
    names = [i.name for i in c.indexes]
    others = (f"array(select i.relname::text from pg_index x join pg_class i on i.oid = x.indexrelid "
              f"where x.indrelid = {w.rel}::regclass and i.relname <> all({array(names, 'name')}) order by 1)")
    w.add(f"is({others}, array[]::text[]", c.proves["index_set"],
          "it has no index beyond " + ", ".join(names))
    for index in c.indexes:
        cols, ids = ", ".join(index.columns), index.requirements
        w.add(f"has_index({s}, {t}, {q(index.name)}, {array(index.columns, 'name')}", ids,
              f"{index.name} covers ({cols}) in that order, for {index.purpose}")
        w.add(f"index_is_type({s}, {t}, {q(index.name)}, {q(index.method)}", ids,
              f"{index.name} is a {index.method} index")
        kind = (f"(select concat_ws(' ', case when x.indisunique then 'unique' end, "
                f"case when x.indpred is null then 'full' else 'partial' end, "
                f"case when x.indisvalid then 'valid' else 'invalid' end) from pg_index x "
                f"where x.indexrelid = to_regclass({q(c.schema + '.' + index.name)}))")
        expected = ("unique " if index.unique else "") + "full valid"
        w.add(f"is({kind}, {q(expected)}", ids, f"{index.name} is {expected}")


def _security(w: _Writer) -> None:
    c, rel = w.c, w.rel
    w.section("Row level security and privileges")
    rls = c.proves["row_level_security"]
    w.add(f"is((select relrowsecurity from pg_class where oid = {rel}::regclass), "
          f"{str(c.row_level_security).lower()}", rls, "row level security is enabled")
    w.add(f"is((select relforcerowsecurity from pg_class where oid = {rel}::regclass), "
          f"{str(c.forced_row_level_security).lower()}", rls,
          "row level security is not forced on the owner (the purge and cascades act as it)")
    if c.policies:
        raise ValueError("the contract names RLS policies; the generated tests prove only that none exists")
    for kind, commands in (("read", "'SELECT', 'ALL'"), ("write", "'INSERT', 'UPDATE', 'DELETE', 'ALL'")):
        w.add(f"is_empty($$ select policyname from pg_policies where schemaname = {q(c.schema)} and tablename = "
              f"{q(c.table)} and cmd in ({commands}) $$", c.proves[f"policies_{kind}"],
              f"no RLS policy lets anyone {kind} the table")
    for role, privileges in c.privileges.items():
        for privilege in TABLE_PRIVILEGES:
            held = privilege in privileges
            w.add(f"is(has_table_privilege({q(role)}, {q(c.schema + '.' + c.table)}, {q(privilege)}), "
                  f"{str(held).lower()}", c.privilege_requirements(role, privilege),
                  f"{role} {'holds' if held else 'does not hold'} {privilege} on the table")


def _functions(w: _Writer) -> None:
    c, s = w.c, w.s
    w.section("Functions")
    for f in c.functions:
        args, sig, ids = array(f.arguments, "name"), f.signature, f.requirements
        w.add(f"has_function({s}, {q(f.name)}, {args}", ids, f"{sig} exists")
        w.add(f"function_returns({s}, {q(f.name)}, {args}, {q(f.returns)}", ids, f"{sig} returns {f.returns}")
        w.add(f"function_lang_is({s}, {q(f.name)}, {args}, {q(f.language)}", ids, f"{sig} is written in {f.language}")
        w.add(f"volatility_is({s}, {q(f.name)}, {args}, {q(f.volatility)}", ids, f"{sig} is {f.volatility}")
        definer = "is_definer" if f.security_definer else "isnt_definer"
        w.add(f"{definer}({s}, {q(f.name)}, {args}", f.guarded_by,
              f"{sig} is SECURITY {'DEFINER' if f.security_definer else 'INVOKER'}")
        config = (f"(select proconfig from pg_proc where oid = to_regprocedure("
                  f"{q(c.schema + '.' + f.name + '(' + ','.join(f.arguments) + ')')}))")
        w.add(f"is({config}, array['search_path=\"\"']", c.proves["search_path"], f"{sig} pins an empty search_path")
        for role in c.privileges:
            granted = ["EXECUTE"] if role in f.execute else []
            w.add(f"function_privs_are({s}, {q(f.name)}, {args}, {q(role)}, {array(granted)}",
                  ids if granted else f.guarded_by,
                  f"{role} {'can' if granted else 'cannot'} execute {sig}")


def _triggers(w: _Writer) -> None:
    s, t, rel = w.s, w.t, w.rel
    w.section("Triggers")
    for trigger in w.c.triggers:
        ids = trigger.requirements
        w.add(f"has_trigger({s}, {t}, {q(trigger.name)}", ids, f"trigger {trigger.name} exists")
        w.add(f"trigger_is({s}, {t}, {q(trigger.name)}, {s}, {q(trigger.function)}", ids,
              f"{trigger.name} runs {trigger.function}()")
        shape = ("(select concat_ws(' ', case when g.tgtype & 2 = 2 then 'before' when g.tgtype & 64 = 64 "
                 "then 'instead of' else 'after' end, array_to_string(array_remove(array[case when g.tgtype & 4 = 4 "
                 "then 'insert' end, case when g.tgtype & 8 = 8 then 'delete' end, case when g.tgtype & 16 = 16 "
                 "then 'update' end, case when g.tgtype & 32 = 32 then 'truncate' end], null), ' or '), 'for each', "
                 "case when g.tgtype & 1 = 1 then 'row' else 'statement' end) from pg_trigger g "
                 f"where g.tgrelid = {rel}::regclass and g.tgname = {q(trigger.name)})")
        expected = f"{trigger.timing} {' or '.join(trigger.events)} for each {trigger.level}"
        w.add(f"is({shape}, {q(expected)}", ids, f"{trigger.name} fires {expected}")


def _rule(w: _Writer) -> None:
    w.section("The notification schedule")
    for kind in w.c.notification_types:
        w.add(f"is(public.cert_notification_days_before({q(kind.name)}), {kind.days_before}", w.c.rule.requirements,
              f"{kind.name} is due {kind.days_before} days before expiry")


def _documentation(w: _Writer) -> None:
    c, rel = w.c, w.rel
    w.section("Documentation")
    comment = (f"coalesce(col_description({rel}::regclass, (select attnum from pg_attribute where attrelid = "
               f"{rel}::regclass and attname = {q(c.documented_column)})), '')")
    for mention in c.documentation_mentions:
        w.add(f"ok(strpos({comment}, {q(mention)}) > 0", c.documentation_requirements,
              f"the comment on {c.documented_column} states {mention}")


SECTIONS = (_table, _columns, _keys, _indexes, _security, _functions, _triggers, _rule, _documentation)


def render(contract: Contract) -> str:
    w = _Writer(contract)
    for write in SECTIONS:
        write(w)
    return tap_file([f"-- Structure of {contract.qualified}, through pgTAP's catalog assertions.",
                     "-- GENERATED from certlog/data/contract.toml by `certlog contract --write`: edit the contract, "
                     "not this file.",
                     "-- Runs under `supabase test db` (pg_prove) on any Supabase project with the migrations applied.",
                     "-- Each description starts with the requirement ids (certlog/data/requirements.toml) it proves."],
                    w.count, w.lines)


def tap_file(about: list[str], planned: int, body: list[str]) -> str:
    """A pgTAP test file as supabase test db runs it: what it is about, then one transaction, rolled back."""
    return "\n".join([*about, "begin;", f"select plan({planned});", *body, "", "select * from finish();", "rollback;",
                      ""])


VECTORS_FILE = PGTAP_TESTS / "cert_notification_log_key_vectors.sql"


def render_vectors(contract: Contract, vectors: list[dict[str, str]]) -> str:
    """The pgTAP test of the database's key function against the shared vectors (and of the UTC date of each
    vector's run start), generated from certlog/data/idempotency_key_vectors.csv."""
    lines = []
    for v in vectors:
        day, on = f"((timestamptz {q(v['scheduled_at'])}) at time zone 'UTC')::date::text", v["scheduled_on"]
        said = _desc(contract.proves["scheduled_day"], f"{v['scheduled_at']} is scheduled on {on} (UTC)")
        lines.append(f"select is({day}, {q(on)}, {said});")
        key = (f"public.cert_notification_idempotency_key({q(v['certification_id'])}, {q(v['notification_type'])}, "
               f"{q(on)})")
        said = _desc(contract.proves["key_vectors"], f"key of {v['notification_type']} on {on}")
        lines.append(f"select is({key}, {q(v['idempotency_key'])}, {said});")
    return tap_file(["-- The database's idempotency key function against the shared key vectors, which the Edge "
                     "Function's",
                     "-- code (deno test) and the suite's Python twin are checked against too.",
                     "-- GENERATED from certlog/data/idempotency_key_vectors.csv by `certlog contract --write`."],
                    len(lines), ["", *lines])


CRON_FILE = PGTAP_TESTS / "cert_notification_log_cron.sql"


def render_cron(contract: Contract) -> str:
    """The pgTAP test of the Supabase Cron jobs the migrations schedule (needs pg_cron), from the contract."""
    lines = []
    for job in contract.cron_jobs:
        jobs = f"(select count(*) from cron.job where jobname = {q(job.name)})"
        lines.append(f"select is({jobs}, 1::bigint, {_desc(job.requirements, f'one job is named {job.name}')});")
        calls = f"(select count(*) from cron.job where command ilike {q('%' + job.function.split('(')[0] + '%')})"
        lines.append(f"select is({calls}, 1::bigint, "
                     f"{_desc(job.requirements, f'one job, no more, calls {job.function.split(chr(40))[0]}')});")
        found = (f"(select format('%s | %s | %s', schedule, command, username) from cron.job "
                 f"where jobname = {q(job.name)})")
        expected = f"{job.schedule} | {job.command} | {job.runs_as}"
        described = _desc(job.requirements, f"{job.name} runs {job.command} at {job.schedule} as {job.runs_as}")
        lines.append(f"select is({found}, {q(expected)}, {described});")
        may = (f"(select has_function_privilege(username, {q(contract.schema + '.' + job.function)}, 'EXECUTE') "
               f"from cron.job where jobname = {q(job.name)})")
        lines.append(f"select is({may}, true, "
                     f"{_desc(job.requirements, f'the role {job.name} runs as may execute {job.function}')});")
    return tap_file(["-- The Supabase Cron jobs the migrations schedule, and the role each runs as (needs pg_cron).",
                     "-- GENERATED from certlog/data/contract.toml by `certlog contract --write`: edit the contract, "
                     "not this file."],
                    len(lines), ["", *lines])


RULE_VECTORS_FILE = PGTAP_TESTS / "cert_notification_log_rule_vectors.sql"
VECTOR_MENTOR, VECTOR_CHAPTER = "bbbbbbbb-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"


def _logged_rows(vectors: list[dict[str, str]]) -> list[str]:
    rows = []
    for v in vectors:
        for item in filter(None, v["logged"].split(";")):
            kind, _, at = item.partition("@")
            rows.append(f"  ({q(v['certification_id'])}, {q(kind)}, {q(at)}, {q(VECTOR_MENTOR)}, "
                        f"public.cert_notification_idempotency_key({q(v['certification_id'])}, {q(kind)}, "
                        f"(timestamptz {q(at)} at time zone 'UTC')::date))")
    return rows


def render_rule_vectors(contract: Contract, vectors: list[dict[str, str]]) -> str:
    """The pgTAP test of the database's notification rule against the shared rule vectors: each vector's
    certification and log rows are made in the transaction, then the rule, the key of the due notification and the
    batch check's answer for the vector's cycle are asserted."""
    lines = []
    for v in vectors:
        cert, e, d, due = q(v["certification_id"]), v["expires_on"], v["scheduled_on"], v["due"]
        expected = f"{q(due)}::text" if due else "null::text"
        lines.append(f"select is(public.cert_notification_due(date {q(e)}, date {q(d)}), {expected}, "
                     f"{_desc(contract.proves['rule_vectors'], v['case'] + ': the notification due')});")
        if not due:
            continue
        key = (f"public.cert_notification_idempotency_key({cert}, {q(due)}, "
               f"date {q(e)} - public.cert_notification_days_before({q(due)}))")
        lines.append(f"select is({key}, {q(v['key'])}, "
                     f"{_desc(contract.proves['rule_vector_keys'], v['case'] + ': its key, of its due day')});")
        sent = (f"exists(select 1 from public.cert_notifications_already_sent(array[{cert}]::uuid[], "
                f"array[{q(due)}]::text[], array[{q(e)}]::date[]))")
        lines.append(f"select is({sent}, {v['already_sent']}, "
                     f"{_desc(contract.proves['cycle_vectors'], v['case'] + ': already sent in this cycle')});")
    certifications = [f"  ({q(v['certification_id'])}, {q(VECTOR_MENTOR)}, {q(VECTOR_CHAPTER)}, 'first_aid', "
                      f"date {q(v['expires_on'])} - 730, {q(v['expires_on'])})" for v in vectors]
    setup = [
        "insert into public.users (id, email, full_name, role, chapter_id) values",
        f"  ({q(VECTOR_MENTOR)}, 'pgtap.rule@example.org', 'pgTAP Rule', 'peer_mentor', {q(VECTOR_CHAPTER)});",
        "insert into public.peer_mentor_certifications",
        "  (id, peer_mentor_id, chapter_id, certification_type, issued_on, expires_on) values",
        ",\n".join(certifications) + ";",
        "insert into public.cert_notification_log",
        "  (certification_id, notification_type, sent_at, recipient_id, idempotency_key) values",
        ",\n".join(_logged_rows(vectors)) + ";",
        "",
    ]
    return tap_file(["-- The database's notification rule (public.cert_notification_due, the key of the due day, the "
                     "batch check",
                     "-- per cycle) against the shared rule vectors, which the Edge Function's code (deno test) and "
                     "the suite's",
                     "-- Python twin are checked against too.",
                     "-- GENERATED from certlog/data/notification_rule_vectors.csv by `certlog contract --write`."],
                    len(lines), ["", *setup, *lines])
