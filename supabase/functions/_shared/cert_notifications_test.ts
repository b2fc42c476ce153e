// deno test --allow-read supabase/functions: the Edge Function's side of the contract, against the
// key vectors the database and the suite's Python twin are checked against too.
import {
  addDays,
  alreadySent,
  type CronClient,
  dueNotification,
  dueOn,
  idempotencyKey,
  logNotifications,
  NOTIFICATION_TYPES,
  type NotificationRow,
  notificationRows,
  type NotificationType,
  scheduledDateUtc,
} from "./cert_notifications.ts";

const VECTORS = new URL("../../../certlog/data/idempotency_key_vectors.csv", import.meta.url);
const RULE_VECTORS = new URL("../../../certlog/data/notification_rule_vectors.csv", import.meta.url);

function equal(actual: unknown, expected: unknown, what: string): void {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function throwsRange(call: () => unknown, what: string): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (error instanceof RangeError) return;
    throw error;
  }
  throw new Error(`${what}: no RangeError`);
}

async function csv(file: URL): Promise<Record<string, string>[]> {
  const [header, ...lines] = (await Deno.readTextFile(file)).trim().split("\n");
  const names = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [names[i], value])));
}

const vectors = () => csv(VECTORS);

Deno.test("the key of every shared vector, from its scheduled date", async () => {
  for (const v of await vectors()) {
    const key = await idempotencyKey(v.certification_id, v.notification_type as NotificationType, v.scheduled_on);
    equal(key, v.idempotency_key, `${v.notification_type} on ${v.scheduled_on}`);
  }
});

Deno.test("the key of every shared vector, from the run's start time (its UTC date, midnight both sides)", async () => {
  for (const v of await vectors()) {
    const at = new Date(v.scheduled_at);
    equal(scheduledDateUtc(at), v.scheduled_on, `UTC date of ${v.scheduled_at}`);
    const key = await idempotencyKey(v.certification_id, v.notification_type as NotificationType, at);
    equal(key, v.idempotency_key, `${v.notification_type} at ${v.scheduled_at}`);
  }
});

Deno.test("an upper-case uuid gives the same key; bad ids, types and dates are refused", async () => {
  const v = (await vectors())[0];
  equal(
    await idempotencyKey(v.certification_id.toUpperCase(), v.notification_type as NotificationType, v.scheduled_on),
    v.idempotency_key,
    "upper-case uuid",
  );
  await throwsRange(() => idempotencyKey("not-a-uuid", "expired", "2026-11-25"), "bad uuid");
  await throwsRange(
    () => idempotencyKey(v.certification_id, "expiry_warning_60d" as NotificationType, "2026-11-25"),
    "bad type",
  );
  await throwsRange(() => idempotencyKey(v.certification_id, "expired", "2026-02-29"), "2026-02-29");
  await throwsRange(() => idempotencyKey(v.certification_id, "expired", "2026-11-25T00:00:00Z"), "a timestamp string");
  await throwsRange(() => scheduledDateUtc(new Date("nonsense")), "invalid Date");
});

Deno.test("calendar arithmetic in UTC: leap days and the ends of years", () => {
  equal(addDays("2028-02-28", 1), "2028-02-29", "into a leap day");
  equal(addDays("2028-02-29", 1), "2028-03-01", "out of a leap day");
  equal(addDays("2027-02-28", 1), "2027-03-01", "no leap day");
  equal(addDays("2026-12-31", 1), "2027-01-01", "new year");
  equal(addDays("2027-01-01", -7), "2026-12-25", "back over new year");
  equal(addDays("2028-05-29", -90), "2028-02-29", "90 days before lands on a leap day");
});

Deno.test("the rule of every shared rule vector: the notification due, its due day, its key", async () => {
  for (const v of await csv(RULE_VECTORS)) {
    const due = dueNotification(v.expires_on, v.scheduled_on);
    equal(due ?? "", v.due, `${v.case}: the notification due`);
    if (due === null) continue;
    equal(dueOn(v.expires_on, due), v.due_on, `${v.case}: its due day`);
    equal(await idempotencyKey(v.certification_id, due, dueOn(v.expires_on, due)), v.key, `${v.case}: its key`);
  }
});

Deno.test("the types, most urgent last; a bad date is refused", async () => {
  equal(NOTIFICATION_TYPES, ["expiry_warning_90d", "expiry_warning_30d", "expiry_warning_7d", "expired"], "types");
  await throwsRange(() => dueNotification("2027-03-01", "2027-02-30"), "30 February");
  await throwsRange(() => dueNotification("2027-13-01", "2027-02-01"), "month 13");
});

Deno.test("the rows the job sends are sorted by key, ids lower-cased", async () => {
  const due = NOTIFICATION_TYPES.map((type, i) => ({
    certificationId: `3F0C2B1E-6A4D-4C8E-9B7A-2D5E8F1A0C9${i}`,
    notificationType: type,
    recipientId: "A81BC81B-DEAD-4E5D-ABFF-90865D1E13B1",
    expiresOn: "2027-02-28",
  }));
  const rows = await notificationRows(due);
  equal(rows.map((r) => r.idempotency_key), rows.map((r) => r.idempotency_key).sort(), "sorted by key");
  equal(
    rows.every((r) => r.certification_id === r.certification_id.toLowerCase() && r.recipient_id.startsWith("a81b")),
    true,
    "lower case",
  );
});

Deno.test("the two calls have the shape PostgREST serves", async () => {
  const calls: unknown[] = [];
  const client: CronClient = {
    rpc(fn, args) {
      calls.push({ rpc: fn, args });
      return Promise.resolve({ data: [2], error: null });
    },
    from(table) {
      return {
        upsert(rows: NotificationRow[], options) {
          return {
            select(columns) {
              calls.push({ from: table, upsert: rows.length, options, select: columns });
              return Promise.resolve({ data: [{ idempotency_key: rows[0].idempotency_key }], error: null });
            },
          };
        },
      };
    },
  };
  const due = [
    {
      certificationId: "00000000-0000-0000-0000-000000000001",
      notificationType: "expired" as const,
      recipientId: "00000000-0000-0000-0000-000000000009",
      expiresOn: "2026-11-25",
    },
    {
      certificationId: "00000000-0000-0000-0000-000000000002",
      notificationType: "expired" as const,
      recipientId: "00000000-0000-0000-0000-000000000009",
      expiresOn: "2027-11-20",
    },
  ];
  equal([...await alreadySent(client, due)], [1], "positions become 0-based indexes");
  const rows = await notificationRows(due);
  equal([...await logNotifications(client, rows)], [rows[0].idempotency_key], "the stored keys");
  equal(calls, [
    {
      rpc: "cert_notifications_already_sent",
      args: {
        certification_ids: due.map((d) => d.certificationId),
        notification_types: ["expired", "expired"],
        expires_on: ["2026-11-25", "2027-11-20"],
      },
    },
    {
      from: "cert_notification_log",
      upsert: 2,
      options: { onConflict: "idempotency_key", ignoreDuplicates: true },
      select: "idempotency_key",
    },
  ], "calls");
});
