// One customer flow through the TypeScript SDK, run by e2e's SdkTypeScriptE2EIT against the local stack: back up the
// project it is given, restore the backup into a preview, ask for the preview to become production. It prints what
// it made as one JSON line; the Java test checks the rows and the operator's queue.
import { capydb, type Schemas } from "../src/index.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const api = capydb(env("CAPYDB_GATEWAY"), env("CAPYDB_TOKEN"));
const projectId = env("CAPYDB_PROJECT");

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 180_000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

function ok<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (result.data === undefined) {
    throw new Error(`${what}: HTTP ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

const path = { projectId };
const started = ok(await api.POST("/v1/projects/{projectId}/backups", { params: { path }, body: { label: "through-the-ts-sdk" } }),
  "create backup");
const backup: Schemas["BackupBody"] = await until(
  async () => ok(await api.GET("/v1/projects/{projectId}/backups/{backupId}", { params: { path: { projectId, backupId: started.id! } } }), "get backup"),
  (b) => b.status !== "pending" && b.status !== "running");
if (backup.status !== "completed") throw new Error(`backup ended ${backup.status}: ${backup.error}`);

const queued = ok(await api.POST("/v1/projects/{projectId}/restores", { params: { path }, body: { backup_key: backup.backup_key!, ttl_hours: 1 } }),
  "create restore");
const restore = await until(
  async () => ok(await api.GET("/v1/projects/{projectId}/restores/{restoreId}", { params: { path: { projectId, restoreId: queued.id! } } }), "get restore"),
  (r) => r.status !== "pending" && r.status !== "running");
if (restore.status !== "completed") throw new Error(`restore ended ${restore.status}: ${restore.error}`);
const previewId = restore.preview_id!;
const connection = ok(await api.GET("/v1/projects/{projectId}/previews/{previewId}/connection", { params: { path: { projectId, previewId } } }),
  "preview connection");

const cutover = ok(await api.POST("/v1/projects/{projectId}/cutover-requests", {
  params: { path },
  body: { preview_id: previewId, external_ticket_ref: "SDK-TS-1", customer_note: "asked through the TypeScript SDK" },
}), "create cutover request");

// A refusal is the problem+json document, typed.
const missing = await api.GET("/v1/projects/{projectId}/backups/{backupId}", { params: { path: { projectId, backupId: "00000000-0000-0000-0000-000000000000" } } });
const problem = missing.error as Schemas["Problem"] | undefined;

console.log(JSON.stringify({
  backup_id: backup.id, backup_status: backup.status, restore_status: restore.status, preview_id: previewId,
  preview_url: connection.database_url, cutover_id: cutover.id, cutover_status: cutover.status,
  missing_status: missing.response.status, missing_code: problem?.code,
}));
