/** The gateway's /v1 API with the bearer token; problem+json answers become ApiError with the server's detail. */
import { accessToken } from './auth.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `request failed (HTTP ${status})`);
    this.status = status;
    this.code = problem.code;
    this.errors = problem.errors || [];
  }
}

export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${await accessToken()}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // One key per user action: a network retry of the same POST cannot start a second job.
  if (method === 'POST') headers['Idempotency-Key'] = crypto.randomUUID();
  const res = await fetch(`/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text.slice(0, 200) }; }
  if (!res.ok) throw new ApiError(res.status, data || {});
  return data;
}

export const get = (path) => api('GET', path);
// Calls such as ack, cancel or test take no body at all (the API document says so); pass none for them.
export const post = (path, body) => api('POST', path, body);
