// The CapyDB API client: every path, parameter, body and answer is typed from the committed contract
// (api/openapi.json, generated into schema.d.ts by the build); the calls go through openapi-fetch.
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, paths };
/** The API's schemas by name: `Schemas["BackupBody"]`, `Schemas["Problem"]`, … */
export type Schemas = components["schemas"];
export type CapydbClient = Client<paths>;

/** A client for the API at `baseUrl` (the gateway) that sends `token` as its bearer token. */
export function capydb(baseUrl: string, token: string): CapydbClient {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}
