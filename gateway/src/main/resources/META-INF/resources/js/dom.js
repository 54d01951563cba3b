/** Tiny DOM helpers: element builder, formatting, polling that stops with the view that started it. */

/** Builds an element: h('button', {class: 'x', onClick: f}, 'text', child…). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (k === 'checked' || k === 'value' || k === 'disabled') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** A status word as a coloured badge (colour is never the only signal: the word is the text). */
export const badge = (s) => h('span', { class: `badge s-${s}` }, s ?? '—');

export function bytes(n) {
  if (n == null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export const when = (t) => (t ? new Date(t).toLocaleString() : '—');

/** "3h 12m left" for a future instant, "expired" for a past one. */
export function countdown(t) {
  if (!t) return '—';
  let s = Math.floor((new Date(t) - Date.now()) / 1000);
  if (s <= 0) return 'expired';
  const d = Math.floor(s / 86400); s %= 86400;
  const hh = Math.floor(s / 3600); s %= 3600;
  const mm = Math.floor(s / 60);
  return `${d ? d + 'd ' : ''}${hh}h ${mm}m ${s % 60}s left`;
}

/** Runs fn now and every ms until the view's scope is closed; errors are shown, not thrown. */
export function every(scope, ms, fn) {
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try { await fn(); } catch (e) { scope.error(e); }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  let timer = setTimeout(tick, 0);
  scope.onClose(() => { stopped = true; clearTimeout(timer); });
}

/** Replaces el's children only when the data changed, so focus and selection survive a poll. */
export function refill(el, data, render) {
  const key = JSON.stringify(data);
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  el.replaceChildren(...[].concat(render(data)));
}

/** A form's named fields as an object (checkboxes as booleans, empty strings left out). */
export function fields(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; }
    else if (el.value !== '') out[el.name] = el.value;
  }
  return out;
}

/**
 * A form whose submit runs action(values): the submit button is disabled meanwhile, and a problem's detail
 * and per-field errors are shown in the form, next to the fields they name.
 */
export function form(props, children, action) {
  const error = h('p', { class: 'error', role: 'alert' });
  const el = h('form', { ...props, novalidate: true }, children, error);
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    el.querySelectorAll('.field-error').forEach((n) => n.remove());
    el.querySelectorAll('[aria-invalid]').forEach((n) => n.removeAttribute('aria-invalid'));
    const invalid = [...el.elements].filter((i) => i.willValidate && !i.checkValidity());
    if (invalid.length) {
      invalid.forEach((i) => fieldError(i, i.validationMessage));
      invalid[0].focus();
      return;
    }
    const button = el.querySelector('[type=submit]');
    if (button) button.disabled = true;
    try {
      await action(fields(el), el);
    } catch (err) {
      error.textContent = err.message;
      for (const fe of err.errors || []) {
        const input = el.elements.namedItem(fe.field);
        if (input instanceof Element) fieldError(input, fe.message);
      }
    } finally {
      if (button) button.disabled = false;
    }
  });
  return el;
}

function fieldError(input, message) {
  const id = `${input.name || 'f'}-error-${Math.random().toString(36).slice(2, 7)}`;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', id);
  input.closest('label')?.append(h('span', { class: 'field-error', id }, message));
}

/** A button that runs action and reports its failure through the scope. */
export const button = (label, scope, action, props = {}) => h('button', { type: 'button', ...props, onClick: async (e) => {
  e.currentTarget.disabled = true;
  const b = e.currentTarget;
  try { await action(); } catch (err) { scope.error(err); } finally { b.disabled = false; }
} }, label);

/** Polls a job resource until it ends, writing its state into a live list item. */
export function track(scope, list, title, path, get, onDone) {
  const item = h('li', null, `${title}: starting…`);
  list.prepend(item);
  let done = false;
  every(scope, 1500, async () => {
    if (done) return;
    const job = await get(path);
    const extra = [job.phase, job.error].filter(Boolean).join(' · ');
    item.replaceChildren(`${title}: `, badge(job.status), extra ? ` ${extra}` : '');
    if (job.status === 'completed' || job.status === 'failed') {
      done = true;
      onDone?.(job);
    }
  });
}
