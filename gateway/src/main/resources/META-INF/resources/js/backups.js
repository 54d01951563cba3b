/** Backups tab: list, create, daily schedule, restore a backup into a new preview or (admins) over production. */
import { get, post, api } from './api.js';
import { h, badge, bytes, when, every, refill, form, track } from './dom.js';

export async function backupsTab(panel, scope) {
  const base = `/projects/${scope.project.id}`;
  const rows = h('tbody');
  const jobs = h('ul', { class: 'jobs', 'aria-live': 'polite', 'aria-label': 'Running jobs' });
  const restorePanel = h('section', { hidden: true, 'aria-labelledby': 'restore-title' });

  const create = form({ class: 'row', 'aria-label': 'Create a backup' }, [
    h('label', null, 'Label', h('input', { name: 'label', maxlength: 200, placeholder: 'before-the-big-migration' })),
    h('button', { type: 'submit', class: 'primary' }, 'Create backup'),
  ], async (v, f) => {
    const b = await post(`${base}/backups`, v.label ? { label: v.label } : {});
    f.reset();
    track(scope, jobs, `Backup ${b.label || b.id.slice(0, 8)}`, `${base}/backups/${b.id}`, get);
  });

  panel.replaceChildren(
    h('section', null, h('h2', null, 'Create a backup'), create, jobs),
    h('section', null, h('h2', { id: 'backups-title' }, 'Backups'),
      h('table', { 'aria-labelledby': 'backups-title' },
        h('thead', null, h('tr', null, ['Created', 'Label', 'Status', 'Size', 'Verified', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
        rows)),
    restorePanel,
    // The list must not depend on the schedule: a failing schedule call only costs its own section.
    await scheduleEditor(base, scope).catch((e) => h('section', null, h('h2', null, 'Daily schedule'), h('p', { class: 'error' }, e.message))));

  every(scope, 3000, async () => {
    const { items } = await get(`${base}/backups?limit=50`);
    refill(rows, items, (list) => list.length ? list.map((b) => h('tr', { 'data-backup': b.label || b.id },
      h('td', null, when(b.created_at)),
      h('td', null, b.label || h('span', { class: 'muted' }, b.kind)),
      h('td', null, badge(b.status), b.error ? h('div', { class: 'error' }, b.error) : null),
      h('td', null, bytes(b.size_bytes)),
      h('td', null, b.verified == null ? '—' : b.verified ? 'yes' : 'no'),
      h('td', null, b.status === 'completed'
        ? h('button', { type: 'button', onClick: () => openRestore(restorePanel, base, scope, b, jobs) }, 'Restore…') : null),
    )) : h('tr', null, h('td', { colspan: 6, class: 'muted' }, 'No backups yet.')));
  });
}

/** The restore form for one backup: into a new preview (name, TTL) or, for admins, over production after typing its name. */
function openRestore(panel, base, scope, backup, jobs) {
  const name = backup.label || backup.id.slice(0, 8);
  const overwrite = h('fieldset', { hidden: true },
    h('legend', null, 'Overwrite production'),
    h('p', null, 'This replaces the project database with the backup. Type the project name ',
      h('code', null, scope.project.name), ' to confirm.'),
    h('label', null, 'Project name', h('input', { name: 'confirm', autocomplete: 'off' })));
  const preview = h('fieldset', null,
    h('legend', null, 'New preview'),
    h('label', null, 'Preview name', h('input', { name: 'preview_name', pattern: '[a-z0-9-]{1,63}', placeholder: 'inspect-monday' })),
    h('label', null, 'TTL (hours)', h('input', { name: 'ttl_hours', type: 'number', min: 1, max: 720, value: '24', required: true })));
  const target = (value, label, disabled) => h('label', { class: 'inline' },
    h('input', { type: 'radio', name: 'target_kind', value, checked: value === 'new_preview', disabled,
      onChange: () => { preview.hidden = value !== 'new_preview'; overwrite.hidden = value !== 'project'; } }), label);
  const f = form({ 'aria-label': `Restore backup ${name}` }, [
    h('div', { class: 'row', role: 'radiogroup', 'aria-label': 'Restore target' },
      target('new_preview', 'Into a new preview'),
      target('project', scope.admin ? 'Into the project (overwrites production)' : 'Into the project (org admins only)', !scope.admin)),
    preview, overwrite,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Start restore'),
      h('button', { type: 'button', onClick: () => { panel.hidden = true; } }, 'Cancel')),
  ], async (v) => {
    const body = { backup_key: backup.backup_key, target_kind: v.target_kind };
    if (v.target_kind === 'project') {
      if (v.confirm !== scope.project.name) throw new Error(`Type the project name "${scope.project.name}" to confirm the overwrite.`);
      body.confirm_project_overwrite = true;
    } else {
      if (v.preview_name) body.preview_name = v.preview_name;
      body.ttl_hours = Number(v.ttl_hours);
    }
    const r = await post(`${base}/restores`, body);
    panel.hidden = true;
    track(scope, jobs, `Restore of ${name} into ${v.target_kind === 'project' ? 'production' : `preview ${v.preview_name || r.preview_id.slice(0, 8)}`}`,
      `${base}/restores/${r.id}`, get, (job) => job.status === 'completed'
        && scope.say(v.target_kind === 'project' ? 'Production restored.' : 'The preview is ready: see the Previews tab.'));
  });
  panel.replaceChildren(h('h2', { id: 'restore-title' }, `Restore backup ${name}`), f);
  panel.hidden = false;
  f.querySelector('input[name=preview_name]').focus();
}

/** Daily schedule: hour/minute UTC, active, retention days; the browser and then the service validate. */
async function scheduleEditor(base, scope) {
  const s = await get(`${base}/scheduled-backups/default`);
  const info = h('p', { class: 'muted' }, scheduleInfo(s));
  const num = (name, label, min, max, value) => h('label', null, label,
    h('input', { name, type: 'number', min, max, step: 1, required: true, value: String(value), size: 4 }));
  const f = form({ class: 'row', 'aria-label': 'Backup schedule' }, [
    num('hour', 'Hour (UTC, 0–23)', 0, 23, s.hour),
    num('minute', 'Minute (0–59)', 0, 59, s.minute),
    num('retention_days', 'Retention (days, 1–365)', 1, 365, s.retention_days),
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'active', checked: s.active }), 'Active'),
    h('button', { type: 'submit', disabled: !scope.admin }, 'Save schedule'),
  ], async (v) => {
    const saved = await api('PUT', `${base}/scheduled-backups/default`, {
      hour: Number(v.hour), minute: Number(v.minute), active: v.active, retention_days: Number(v.retention_days) });
    info.textContent = scheduleInfo(saved);
    scope.say('Schedule saved.');
  });
  return h('section', null, h('h2', null, 'Daily schedule'), f, info,
    scope.admin ? null : h('p', { class: 'muted' }, 'Only org admins can change the schedule (its retention deletes backups).'));
}

const scheduleInfo = (s) => (s.configured === false ? 'Not configured yet (defaults shown). ' : '')
  + `Next run ${when(s.next_run_at)} · last run ${when(s.last_run_at)}`;

