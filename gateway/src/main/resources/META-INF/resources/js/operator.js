/** Operator view: cutover requests across all orgs, with ack, reject (reason) and execute; states update live. */
import { get, post } from './api.js';
import { h, badge, when, every, refill, button } from './dom.js';

export async function operatorTab(panel, scope) {
  const rows = h('tbody');
  const filter = h('select', { id: 'operator-filter', onChange: () => { rows.dataset.key = ''; } },
    ['', 'open', 'acked', 'in_progress', 'completed', 'failed', 'rejected', 'cancelled'].map((s) => h('option', { value: s }, s || 'all')));
  panel.replaceChildren(h('section', null, h('h2', { id: 'operator-title' }, 'Cutover requests (operator)'),
    h('label', null, 'Status', filter),
    h('table', { 'aria-labelledby': 'operator-title' },
      h('thead', null, h('tr', null, ['Requested', 'Project', 'Status', 'Waiting for', 'Ticket', 'Note', 'Pre-cutover backup', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      rows)));

  const refresh = async () => {
    const { items } = await get(`/operator/cutover-requests?limit=50${filter.value ? `&status=${filter.value}` : ''}`);
    refill(rows, items, (list) => list.length ? list.map(row) : h('tr', null, h('td', { colspan: 8, class: 'muted' }, 'Nothing here.')));
  };
  const act = (label, c, path, body, props = {}) => button(label, scope, async () => {
    await post(`/operator/cutover-requests/${c.id}/${path}`, body ? body() : undefined);
    scope.say(`${label}: request ${c.id.slice(0, 8)}.`);
    await refresh();
  }, { 'aria-label': `${label} request ${c.external_ticket_ref || c.id.slice(0, 8)}`, ...props });
  const row = (c) => {
    const reason = h('input', { size: 14, 'aria-label': `Reason to reject ${c.id.slice(0, 8)}`, placeholder: 'reason' });
    return h('tr', { 'data-cutover': c.id },
      h('td', null, when(c.created_at), h('div', { class: 'muted' }, c.requested_by || '')),
      h('td', null, h('code', null, c.project_id.slice(0, 8)), h('div', { class: 'muted' }, c.org_id)),
      h('td', null, badge(c.status), c.reason ? h('div', { class: 'muted' }, c.reason) : null),
      h('td', null, c.waiting_for || '—'),
      h('td', null, c.external_ticket_ref || h('span', { class: 'error' }, 'missing')),
      h('td', null, c.customer_note || ''),
      h('td', null, c.pre_cutover_backup_label || '—'),
      h('td', null,
        c.status === 'open' ? act('Ack', c, 'ack') : null, ' ',
        c.status === 'acked' ? act('Execute', c, 'execute', null, { class: 'primary' }) : null, ' ',
        c.status === 'open' ? h('span', { class: 'row' }, reason, act('Reject', c, 'reject', () => {
          if (!reason.value.trim()) throw new Error('Give a reason to reject.');
          return { reason: reason.value };
        }, { class: 'danger' })) : null));
  };
  every(scope, 2000, refresh);
}
