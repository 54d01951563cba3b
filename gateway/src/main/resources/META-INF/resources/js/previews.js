/** Previews tab: list with TTL countdown and connection copy, extend, delete, Promote (cutover request) with live state. */
import { get, post, api } from './api.js';
import { h, badge, when, countdown, every, refill, form, button } from './dom.js';

export async function previewsTab(panel, scope) {
  const base = `/projects/${scope.project.id}`;
  const rows = h('tbody');
  const requests = h('tbody');
  const promotePanel = h('section', { hidden: true, 'aria-labelledby': 'promote-title' });
  const connection = h('div', { 'aria-live': 'polite' });

  panel.replaceChildren(
    h('section', null, h('h2', { id: 'previews-title' }, 'Previews'),
      h('table', { 'aria-labelledby': 'previews-title' },
        h('thead', null, h('tr', null, ['Name', 'Status', 'Expires', 'Connection', 'Extend TTL', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
        rows), connection),
    promotePanel,
    h('section', null, h('h2', { id: 'cutovers-title' }, 'Cutover requests'),
      h('table', { 'aria-labelledby': 'cutovers-title' },
        h('thead', null, h('tr', null, ['Requested', 'Preview', 'Status', 'Waiting for', 'Ticket', 'Note', ''].map((c) => h('th', { scope: 'col' }, c)))),
        requests)));

  const refresh = async () => {
    const { items } = await get(`${base}/previews?limit=100`);
    refill(rows, items, (list) => list.length ? list.map((p) => previewRow(p)) : h('tr', null, h('td', { colspan: 6, class: 'muted' }, 'No previews. Restore a backup into a preview from the Backups tab.')));
    previews = items;
  };
  let previews = [];

  const previewRow = (p) => {
    const ttl = h('input', { type: 'number', min: 1, max: 720, value: '24', size: 4, 'aria-label': `New TTL in hours for ${p.name}` });
    return h('tr', { 'data-preview': p.name },
      h('td', null, p.name),
      h('td', null, badge(p.status)),
      h('td', null, h('span', { 'data-expires': p.expires_at, title: when(p.expires_at) }, countdown(p.expires_at))),
      h('td', null, p.status === 'ready' ? button('Copy URL', scope, () => copyConnection(base, p, connection), { 'aria-label': `Copy connection string of ${p.name}` }) : '—'),
      h('td', null, p.status === 'ready' ? h('span', { class: 'row' }, ttl, button('Extend', scope, async () => {
        const n = Number(ttl.value);
        if (!(n >= 1 && n <= 720)) throw new Error('The TTL must be between 1 and 720 hours.');
        await api('PATCH', `${base}/previews/${p.id}`, { ttl_hours: n });
        scope.say(`Preview ${p.name} now expires in ${n} h.`);
        await refresh();
      }, { 'aria-label': `Extend TTL of ${p.name}` })) : '—'),
      h('td', null, p.status === 'ready' ? [
        button('Promote…', scope, async () => openPromote(promotePanel, base, scope, p, refreshRequests), { class: 'primary', 'aria-label': `Promote ${p.name} to production` }), ' ',
        button('Delete', scope, async () => {
          if (!confirm(`Delete preview ${p.name}? Its database is dropped.`)) return;
          await api('DELETE', `${base}/previews/${p.id}`);
          scope.say(`Preview ${p.name} deleted.`);
          await refresh();
        }, { class: 'danger', disabled: !scope.admin, 'aria-label': `Delete ${p.name}` }),
      ] : null));
  };

  const refreshRequests = async () => {
    const { items } = await get(`${base}/cutover-requests?limit=50`);
    const name = (id) => previews.find((p) => p.id === id)?.name || id.slice(0, 8);
    refill(requests, items, (list) => list.length ? list.map((c) => h('tr', { 'data-cutover': c.id },
      h('td', null, when(c.created_at)),
      h('td', null, name(c.preview_id)),
      h('td', null, badge(c.status), c.reason ? h('div', { class: 'muted' }, c.reason) : null),
      h('td', null, c.waiting_for || '—'),
      h('td', null, c.external_ticket_ref || '—'),
      h('td', null, c.customer_note || ''),
      h('td', null, c.status === 'open' && scope.admin ? button('Cancel', scope, async () => {
        await post(`${base}/cutover-requests/${c.id}/cancel`);
        await refreshRequests();
      }) : null))) : h('tr', null, h('td', { colspan: 7, class: 'muted' }, 'No cutover requests.')));
  };

  every(scope, 3000, refresh);
  every(scope, 2000, refreshRequests);
  // The countdown ticks every second without re-rendering rows.
  const tick = setInterval(() => panel.querySelectorAll('[data-expires]').forEach((el) => { el.textContent = countdown(el.dataset.expires); }), 1000);
  scope.onClose(() => clearInterval(tick));
}

/** Fetches the full connection string (masked in lists) and copies it; shows it too when the clipboard is refused. */
async function copyConnection(base, p, out) {
  const c = await get(`${base}/previews/${p.id}/connection`);
  const input = h('input', { readonly: true, value: c.database_url, size: 80, 'aria-label': `Connection string of ${p.name}` });
  try {
    await navigator.clipboard.writeText(c.database_url);
    out.replaceChildren(h('p', null, `Copied the connection string of ${p.name}.`), input);
  } catch {
    out.replaceChildren(h('p', null, `Copy the connection string of ${p.name}:`), input);
    input.select();
  }
}

function openPromote(panel, base, scope, p, refreshRequests) {
  const f = form({ 'aria-label': `Promote ${p.name}` }, [
    h('p', null, 'An operator reviews the request, takes a verified pre-cutover backup of production, then copies this preview over it. Connection strings do not change.'),
    h('label', null, 'Ticket reference (required before execution)', h('input', { name: 'external_ticket_ref', maxlength: 120, size: 30 })),
    h('label', null, 'Note for the operator', h('textarea', { name: 'customer_note', maxlength: 1000, rows: 3, cols: 60 })),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Request cutover'),
      h('button', { type: 'button', onClick: () => { panel.hidden = true; } }, 'Cancel')),
  ], async (v) => {
    await post(`${base}/cutover-requests`, { preview_id: p.id, ...v });
    panel.hidden = true;
    scope.say(`Cutover of ${p.name} requested; an operator will review it.`);
    await refreshRequests();
  });
  panel.replaceChildren(h('h2', { id: 'promote-title' }, `Promote preview ${p.name} to production`), f);
  panel.hidden = false;
  f.querySelector('input').focus();
}
