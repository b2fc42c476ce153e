/**
 * The certification-expiry cron job's side of the cert_notification_log contract: the notification
 * rule, the idempotency key, the rows it logs, and its two calls through supabase-js with the
 * service-role key.
 *
 * Each night the job reads the certifications within the rule's reach and (1) finds, by the rule,
 * the one notification due for each, (2) asks which were already sent in their cycle (the
 * certification's current expiry date), in one RPC for the whole batch, (3) logs the others with
 * an upsert that skips known keys, and (4) sends exactly the notifications whose key the upsert
 * returned. The key is made from the notification's due day in its cycle, so a retry, and any later
 * night's run that sends it late, makes the same key; the database keeps one row per
 * certification, type and cycle whatever the key.
 */

/** The notification types and when each is due: days before the certification's expiry date. */
export const SCHEDULE = {
  expiry_warning_90d: 90,
  expiry_warning_30d: 30,
  expiry_warning_7d: 7,
  expired: 0,
} as const;

export type NotificationType = keyof typeof SCHEDULE;
export const NOTIFICATION_TYPES = Object.keys(SCHEDULE) as NotificationType[];

/** The rule's two numbers (certlog/data/contract.toml, [rule]). */
export const RULE = {
  /** An expiry date moved by at most this many days is a correction within its cycle, not a renewal. */
  correction_days: 14,
  /** `expired` is sent from the expiry day until this many days after it. */
  expired_catch_up_days: 30,
} as const;

/** The types from the most urgent (expired) to the least (the 90-day warning). */
const URGENT_FIRST = [...NOTIFICATION_TYPES].sort((a, b) => SCHEDULE[a] - SCHEDULE[b]);

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The scheduled run date of a run starting at `at`: its calendar date in UTC, as YYYY-MM-DD. */
export function scheduledDateUtc(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new RangeError("scheduledDateUtc: invalid date");
  return at.toISOString().slice(0, 10);
}

/** `day` plus `days` (negative: minus), both YYYY-MM-DD, in UTC. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${checkDay(day)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return scheduledDateUtc(date);
}

function checkDay(day: string): string {
  if (!DAY.test(day) || scheduledDateUtc(new Date(`${day}T00:00:00Z`)) !== day) {
    throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
  }
  return day;
}

/**
 * The idempotency key: lowercase hex SHA-256 of '{certification_id}|{notification_type}|{YYYY-MM-DD}',
 * the date being the notification's scheduled run date in UTC: its due day in its cycle (`dueOn`);
 * a Date is turned into its UTC calendar date. Deterministic and free of PII: only an id, a type and
 * a date go in.
 */
export async function idempotencyKey(
  certificationId: string,
  notificationType: NotificationType,
  scheduledOn: string | Date,
): Promise<string> {
  const id = certificationId.toLowerCase();
  if (!UUID.test(id)) throw new RangeError(`not a uuid: ${certificationId}`);
  if (!(notificationType in SCHEDULE)) throw new RangeError(`not a notification type: ${notificationType}`);
  const day = typeof scheduledOn === "string" ? checkDay(scheduledOn) : scheduledDateUtc(scheduledOn);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${id}|${notificationType}|${day}`));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The notification due on `scheduledOn` for a certification expiring on `expiresOn`: the most urgent
 * one whose day has come (a missed one is sent late, unless a more urgent one is due by then),
 * `expired` until the catch-up after expiry ends; null before the first warning and after that.
 * Whether it was already sent in its cycle is the batch check's to say.
 */
export function dueNotification(expiresOn: string, scheduledOn: string): NotificationType | null {
  checkDay(scheduledOn);
  if (scheduledOn > addDays(expiresOn, RULE.expired_catch_up_days)) return null;
  return URGENT_FIRST.find((type) => scheduledOn >= addDays(expiresOn, -SCHEDULE[type])) ?? null;
}

/** The day a notification is due in the cycle that expires on `expiresOn`: the date of its key. */
export function dueOn(expiresOn: string, notificationType: NotificationType): string {
  return addDays(expiresOn, -SCHEDULE[notificationType]);
}

export interface Due {
  certificationId: string;
  notificationType: NotificationType;
  recipientId: string;
  /** The certification's current expiry date, YYYY-MM-DD: the notification's cycle. */
  expiresOn: string;
}

/** A row of cert_notification_log as the job sends it (id and sent_at are the database's defaults). */
export interface NotificationRow {
  certification_id: string;
  notification_type: NotificationType;
  recipient_id: string;
  idempotency_key: string;
}

/**
 * The rows to log for tonight's due notifications, each keyed by its due day, sorted by key: overlapping
 * runs then take their key locks in the same order and cannot deadlock one another.
 */
export async function notificationRows(due: Due[]): Promise<NotificationRow[]> {
  const rows = await Promise.all(due.map(async (d) => ({
    certification_id: d.certificationId.toLowerCase(),
    notification_type: d.notificationType,
    recipient_id: d.recipientId.toLowerCase(),
    idempotency_key: await idempotencyKey(
      d.certificationId,
      d.notificationType,
      dueOn(d.expiresOn, d.notificationType),
    ),
  })));
  return rows.sort((a, b) =>
    a.idempotency_key < b.idempotency_key ? -1 : a.idempotency_key > b.idempotency_key ? 1 : 0
  );
}

interface Result<T> {
  data: T | null;
  error: { message: string } | null;
}

/**
 * The part of a supabase-js client (created with the service-role key) the job uses:
 * `createClient(SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY)` satisfies it.
 */
export interface CronClient {
  rpc(
    fn: "cert_notifications_already_sent",
    args: { certification_ids: string[]; notification_types: string[]; expires_on: string[] },
  ): PromiseLike<Result<number[]>>;
  from(table: "cert_notification_log"): {
    upsert(
      rows: NotificationRow[],
      options: { onConflict: "idempotency_key"; ignoreDuplicates: true },
    ): { select(columns: "idempotency_key"): PromiseLike<Result<{ idempotency_key: string }[]>> };
  };
}

/**
 * 0-based indexes of the notifications already sent in their cycle: one RPC for the whole batch
 * (POST /rest/v1/rpc/cert_notifications_already_sent), each with its certification's expiry date.
 */
export async function alreadySent(client: CronClient, due: Due[]): Promise<Set<number>> {
  const { data, error } = await client.rpc("cert_notifications_already_sent", {
    certification_ids: due.map((d) => d.certificationId),
    notification_types: due.map((d) => d.notificationType),
    expires_on: due.map((d) => checkDay(d.expiresOn)),
  });
  if (error) throw new Error(`cert_notifications_already_sent: ${error.message}`);
  return new Set((data ?? []).map((position) => position - 1));
}

/**
 * Log the rows; the keys that come back were stored by this call (send those notifications now),
 * a key already logged is skipped by the database: INSERT ... ON CONFLICT (idempotency_key) DO NOTHING.
 */
export async function logNotifications(client: CronClient, rows: NotificationRow[]): Promise<Set<string>> {
  const { data, error } = await client
    .from("cert_notification_log")
    .upsert(rows, { onConflict: "idempotency_key", ignoreDuplicates: true })
    .select("idempotency_key");
  if (error) throw new Error(`cert_notification_log upsert: ${error.message}`);
  return new Set((data ?? []).map((row) => row.idempotency_key));
}
