/** Import panel: from a URL (preflight with three graded checks, then import) or an uploaded dump (progress bar). */
import { get, post } from './api.js';
import { h, badge, when, bytes, every, refill, form, track } from './dom.js';

export async function importTab(panel, scope) {
  const base = `/projects/${scope.project.id}`;
  const jobs = h('ul', { class: 'jobs', 'aria-live': 'polite', 'aria-label': 'Running imports' });
  const history = h('tbody');
  const recreate = () => h('label', { class: 'inline' },
    h('input', { type: 'checkbox', name: 'recreate', disabled: !scope.admin }),
    scope.admin ? 'Recreate the database (replaces it; nothing is lost if the import fails)' : 'Recreate (org admins only)');
  const start = async (body, title) => {
    const job = await post(`${base}/imports`, body);
    track(scope, jobs, title, `${base}/imports/${job.id}`, get, (j) => j.status === 'completed' && scope.say('Import completed.'));
  };

  // URL mode: preflight shows the checks; Import stays available (a failing check fails the import anyway, with its reason).
  const checks = h('ul', { 'aria-live': 'polite', 'aria-label': 'Preflight checks' });
  const urlForm = form({ 'aria-label': 'Import from a URL' }, [
    h('label', null, 'Source URL', h('input', { name: 'source_url', type: 'url', required: true, size: 70,
      placeholder: 'postgres://user:password@source-host:5432/db?sslmode=require', autocomplete: 'off' })),
    h('div', { class: 'row' }, recreate(),
      h('button', { type: 'button', onClick: async (e) => {
        const url = urlForm.elements.source_url.value;
        if (!url) { urlForm.elements.source_url.focus(); return; }
        // currentTarget is gone once the handler awaits: keep the button itself.
        const b = e.currentTarget;
        b.disabled = true;
        checks.replaceChildren(h('li', null, 'Checking the source…'));
        try {
          const r = await post(`${base}/imports/preflight`, { source_url: url });
          checks.replaceChildren(h('li', { 'data-preflight': r.status }, 'Preflight overall: ', badge(r.status)),
            ...r.checks.map((c) => h('li', { 'data-check': c.name }, badge(c.status), ' ', h('code', null, c.name), ' — ', c.detail)));
        } catch (err) {
          checks.replaceChildren(h('li', { class: 'error', role: 'alert' }, err.message));
        } finally { b.disabled = false; }
      } }, 'Run preflight'),
      h('button', { type: 'submit', class: 'primary' }, 'Import')),
    checks,
  ], (v) => start({ source_url: v.source_url, recreate: !!v.recreate }, 'Import from URL'));

  // Upload mode: ask for a presigned PUT, send the file straight to object storage, then import it.
  const progress = h('progress', { max: 100, value: 0, id: 'upload-progress' });
  const progressText = h('span', { 'aria-live': 'polite' }, '');
  const uploadForm = form({ 'aria-label': 'Import a dump file', hidden: true }, [
    h('label', null, 'Dump file (pg_dump -Fc or plain SQL)', h('input', { name: 'file', type: 'file', required: true, accept: '.dump,.sql,.backup,*/*' })),
    h('div', { class: 'row' }, recreate(), h('button', { type: 'submit', class: 'primary' }, 'Upload and import')),
    h('div', { class: 'row' }, h('label', { for: 'upload-progress', class: 'inline' }, 'Upload progress'), progress, progressText),
  ], async (v, f) => {
    const file = f.elements.file.files[0];
    progress.value = 0;
    const slot = await post(`${base}/imports/uploads`, { filename: file.name, size_bytes: file.size });
    await upload(slot.upload_url, file, (pct) => { progress.value = pct; progressText.textContent = `${pct}%`; });
    await start({ upload_id: slot.upload_id, recreate: !!v.recreate }, `Import of ${file.name} (${bytes(file.size)})`);
  });

  const mode = (value, label) => h('label', { class: 'inline' }, h('input', { type: 'radio', name: 'mode', value, checked: value === 'url',
    onChange: () => { urlForm.hidden = value !== 'url'; uploadForm.hidden = value !== 'upload'; } }), label);
  panel.replaceChildren(
    h('section', null, h('h2', null, 'Import a database'),
      h('div', { class: 'row', role: 'radiogroup', 'aria-label': 'Source mode' }, mode('url', 'Connection URL'), mode('upload', 'Upload dump file')),
      urlForm, uploadForm, jobs),
    h('section', null, h('h2', { id: 'imports-title' }, 'Imports'),
      h('table', { 'aria-labelledby': 'imports-title' },
        h('thead', null, h('tr', null, ['Started', 'Source', 'Status', 'Phase', 'Size'].map((c) => h('th', { scope: 'col' }, c)))), history)));

  every(scope, 3000, async () => {
    const { items } = await get(`${base}/imports?limit=20`);
    refill(history, items, (list) => list.length ? list.map((i) => h('tr', { 'data-import': i.id },
      h('td', null, when(i.created_at)), h('td', null, `${i.source_kind} `, h('code', null, i.source || i.upload_id || '')),
      h('td', null, badge(i.status), i.error ? h('div', { class: 'error' }, i.error) : null),
      h('td', null, i.phase || '—'), h('td', null, bytes(i.size_bytes)))) : h('tr', null, h('td', { colspan: 5, class: 'muted' }, 'No imports yet.')));
  });
}

/** PUT with upload progress (fetch cannot report it), straight to the presigned URL: no token goes there. */
function upload(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((100 * e.loaded) / e.total)); };
    xhr.onload = () => (xhr.status < 300 ? (onProgress(100), resolve())
      : reject(new Error(`the upload was refused (HTTP ${xhr.status})`)));
    xhr.onerror = () => reject(new Error('the upload failed: object storage is not reachable from this browser'));
    xhr.send(file);
  });
}
