/** Restore points tab: named rollback targets (a backup or a point in time), create, delete, restore into a preview. */
import { get, post, api } from './api.js';
import { h, when, every, refill, form, button, track } from './dom.js';

export async function restorePointsTab(panel, scope) {
  const base = `/projects/${scope.project.id}`;
  const rows = h('tbody');
  const jobs = h('ul', { class: 'jobs', 'aria-live': 'polite' });
  const { items: backups } = await get(`${base}/backups?limit=50`);
  const completed = backups.filter((b) => b.status === 'completed');
  const backupPick = h('label', { hidden: true }, 'Backup', h('select', { name: 'backup_key' },
    completed.map((b) => h('option', { value: b.backup_key }, `${b.label || b.id.slice(0, 8)} — ${when(b.created_at)}`))));
  const timePick = h('label', null, 'Time (UTC, empty = now)', h('input', { name: 'timestamp', placeholder: '2026-06-09T14:30:00Z', size: 22 }));
  const kind = (value, label, disabled) => h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'kind', value, checked: value === (scope.project.pitr?.available ? 'pitr' : 'backup'), disabled,
    onChange: () => { backupPick.hidden = value !== 'backup'; timePick.hidden = value !== 'pitr'; } }), label);
  const pitr = !!scope.project.pitr?.available;
  backupPick.hidden = pitr;
  timePick.hidden = !pitr;

  const create = form({ 'aria-label': 'Create a restore point' }, [
    h('div', { class: 'row' }, h('label', null, 'Label', h('input', { name: 'label', required: true, maxlength: 100 })),
      h('span', { role: 'radiogroup', 'aria-label': 'Kind' }, kind('pitr', pitr ? 'Point in time' : 'Point in time (not available in this region)', !pitr), kind('backup', 'Backup')),
      backupPick, timePick, h('button', { type: 'submit', class: 'primary' }, 'Create restore point')),
  ], async (v, f) => {
    const body = { label: v.label, kind: v.kind };
    if (v.kind === 'backup') body.backup_key = v.backup_key;
    else if (v.timestamp) body.timestamp = v.timestamp;
    await post(`${base}/restore-points`, body);
    f.elements.label.value = '';
    rows.dataset.key = '';
    scope.say(`Restore point ${v.label} created.`);
  });

  panel.replaceChildren(h('section', null, h('h2', null, 'Create a restore point'), create, jobs),
    h('section', null, h('h2', { id: 'rp-title' }, 'Restore points'), h('table', { 'aria-labelledby': 'rp-title' },
      h('thead', null, h('tr', null, ['Label', 'Kind', 'Target', 'Created', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))), rows)));

  every(scope, 5000, async () => {
    const { items } = await get(`${base}/restore-points?limit=100`);
    refill(rows, items, (list) => list.length ? list.map((rp) => h('tr', { 'data-rp': rp.label },
      h('td', null, rp.label), h('td', null, rp.kind),
      h('td', null, rp.kind === 'pitr' ? when(rp.timestamp) : h('code', null, (rp.backup_key || '').split('/').pop())),
      h('td', null, when(rp.created_at)),
      h('td', null, button('Restore into new preview', scope, async () => {
        const r = await post(`${base}/restores`, { restore_point_id: rp.id, target_kind: 'new_preview' });
        track(scope, jobs, `Restore of ${rp.label} into a preview`, `${base}/restores/${r.id}`, get);
      }, { 'aria-label': `Restore ${rp.label} into a new preview` }), ' ', button('Delete', scope, async () => {
        if (!confirm(`Delete restore point ${rp.label}?`)) return;
        await api('DELETE', `${base}/restore-points/${rp.id}`);
        rows.dataset.key = '';
      }, { class: 'danger', 'aria-label': `Delete restore point ${rp.label}` })))) : h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'No restore points.')));
  });
}
