/** Webhooks tab: endpoints (create shows the signing secret once), test sends, deliveries of one endpoint. */
import { get, post } from './api.js';
import { h, badge, when, every, refill, form, button } from './dom.js';

export async function webhooksTab(panel, scope) {
  const base = `/projects/${scope.project.id}/webhooks`;
  const rows = h('tbody');
  const secret = h('div', { 'aria-live': 'polite' });
  const deliveries = h('section', { hidden: true, 'aria-labelledby': 'deliveries-title' });

  const create = form({ class: 'row', 'aria-label': 'Add a webhook endpoint' }, [
    h('label', null, 'Endpoint URL', h('input', { name: 'url', type: 'url', required: true, size: 50, placeholder: 'https://example.com/hooks/capydb' })),
    h('label', null, 'Description', h('input', { name: 'description', maxlength: 200 })),
    h('button', { type: 'submit', class: 'primary' }, 'Add endpoint'),
  ], async (v, f) => {
    const w = await post(base, v);
    f.reset();
    rows.dataset.key = '';
    secret.replaceChildren(h('p', null, 'Signing secret — shown only now; store it where your receiver can read it:'),
      h('div', { class: 'secret' }, w.secret));
  });

  panel.replaceChildren(
    h('section', null, h('h2', null, 'Add a webhook endpoint'), create, secret),
    h('section', null, h('h2', { id: 'wh-title' }, 'Webhook endpoints'), h('table', { 'aria-labelledby': 'wh-title' },
      h('thead', null, h('tr', null, ['URL', 'Description', 'Active', 'Events', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))), rows)),
    deliveries);

  every(scope, 5000, async () => {
    const { items } = await get(`${base}?limit=100`);
    refill(rows, items, (list) => list.length ? list.map((w) => h('tr', null,
      h('td', null, h('code', null, w.url)), h('td', null, w.description || ''),
      h('td', null, w.active ? 'yes' : 'no'), h('td', null, (w.event_types || []).length),
      h('td', null, button('Send test', scope, async () => { await post(`${base}/${w.id}/test`); scope.say('Test event queued.'); }), ' ',
        h('button', { type: 'button', onClick: () => showDeliveries(deliveries, base, scope, w) }, 'Deliveries')))) :
      h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'No endpoints.')));
  });
}

function showDeliveries(section, base, scope, w) {
  const rows = h('tbody');
  section.replaceChildren(h('h2', { id: 'deliveries-title' }, `Deliveries to ${w.url}`),
    h('table', { 'aria-labelledby': 'deliveries-title' },
      h('thead', null, h('tr', null, ['Event', 'Status', 'Attempts', 'Last response', 'Next attempt', ''].map((c) => h('th', { scope: 'col' }, c)))), rows));
  section.hidden = false;
  every(scope, 3000, async () => {
    if (section.hidden) return;
    const { items } = await get(`${base}/${w.id}/deliveries?limit=50`);
    refill(rows, items, (list) => list.length ? list.map((d) => h('tr', null,
      h('td', null, d.event_type || d.type || '—'), h('td', null, badge(d.status)), h('td', null, d.attempts ?? '—'),
      h('td', null, [d.last_response_code, d.last_error].filter(Boolean).join(' · ') || '—'),
      h('td', null, when(d.next_attempt_at)),
      h('td', null, ['pending'].includes(d.status) ? null : button('Redeliver', scope, async () => {
        await post(`${base}/deliveries/${d.id}/redeliver`);
        scope.say('Redelivery queued.');
      })))) : h('tr', null, h('td', { colspan: 6, class: 'muted' }, 'No deliveries yet.')));
  });
}
