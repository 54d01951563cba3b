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
    h('label', null, 'Event types (comma-separated, empty = all)',
      h('input', { name: 'event_types', size: 40, placeholder: 'backup.completed, job.completed', autocomplete: 'off' })),
    h('button', { type: 'submit', class: 'primary' }, 'Add endpoint'),
  ], async (v, f) => {
    const body = { url: v.url, description: v.description };
    if (v.event_types) body.event_types = v.event_types.split(/[\s,]+/).filter(Boolean);
    const w = await post(base, body);
    f.reset();
    rows.dataset.key = '';
    // The API returns the secret only in this answer: it is shown here once and never fetched again.
    secret.replaceChildren(h('p', null, `Signing secret for ${w.url} — shown only now; store it where your receiver can read it:`),
      h('div', { class: 'secret', 'data-secret': '' }, w.secret),
      h('button', { type: 'button', onClick: () => secret.replaceChildren() }, 'I have stored it, hide the secret'));
  });

  panel.replaceChildren(
    h('section', null, h('h2', null, 'Add a webhook endpoint'), create, secret),
    h('section', null, h('h2', { id: 'wh-title' }, 'Webhook endpoints'), h('table', { 'aria-labelledby': 'wh-title' },
      h('thead', null, h('tr', null, ['URL', 'Description', 'Status', 'Events', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))), rows)),
    deliveries);

  every(scope, 5000, async () => {
    const { items } = await get(`${base}?limit=100`);
    refill(rows, items, (list) => list.length ? list.map((w) => h('tr', { 'data-webhook': w.url },
      h('td', null, h('code', null, w.url)), h('td', null, w.description || ''),
      h('td', null, badge(w.status), w.disabled_reason ? h('div', { class: 'error' }, w.disabled_reason) : null),
      h('td', { title: (w.event_types || []).join(', ') }, (w.event_types || []).join(', ')),
      h('td', null, button('Send test', scope, async () => { await post(`${base}/${w.id}/test`); scope.say('Test event queued.'); },
        { 'aria-label': `Send a test event to ${w.url}` }), ' ',
        h('button', { type: 'button', 'aria-label': `Deliveries to ${w.url}`, onClick: () => showDeliveries(deliveries, base, scope, w) }, 'Deliveries')))) :
      h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'No endpoints.')));
  });
}

function showDeliveries(section, base, scope, w) {
  const rows = h('tbody');
  section.replaceChildren(h('h2', { id: 'deliveries-title' }, `Deliveries to ${w.url}`),
    h('table', { 'aria-labelledby': 'deliveries-title' },
      h('thead', null, h('tr', null, ['Event', 'Status', 'Attempts', 'Last response', 'Next attempt', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))), rows));
  section.hidden = false;
  every(scope, 3000, async () => {
    if (section.hidden) return;
    const { items } = await get(`${base}/${w.id}/deliveries?limit=50`);
    refill(rows, items, (list) => list.length ? list.map((d) => h('tr', { 'data-delivery': d.event_type },
      h('td', null, d.event_type || '—'), h('td', null, badge(d.status)), h('td', null, d.attempts ?? '—'),
      h('td', null, [d.last_status_code && `HTTP ${d.last_status_code}`, d.last_error].filter(Boolean).join(' · ') || '—'),
      h('td', null, when(d.next_attempt_at)),
      h('td', null, ['pending'].includes(d.status) ? null : button('Redeliver', scope, async () => {
        await post(`${base}/deliveries/${d.id}/redeliver`);
        scope.say('Redelivery queued.');
      }, { 'aria-label': `Redeliver ${d.event_type}` })))) : h('tr', null, h('td', { colspan: 6, class: 'muted' }, 'No deliveries yet.')));
  });
}
