/** The dashboard shell: login, project picker, tabs; each tab is a module that renders into a scope. */
import { init, login, logout, user } from './auth.js';
import { get, post } from './api.js';
import { h, fields } from './dom.js';
import { backupsTab } from './backups.js';
import { previewsTab } from './previews.js';
import { restorePointsTab } from './restore-points.js';
import { importTab } from './imports.js';
import { webhooksTab } from './webhooks.js';
import { operatorTab } from './operator.js';

const app = document.getElementById('app');
const statusEl = document.getElementById('status');

const TABS = [
  { id: 'backups', label: 'Backups', render: backupsTab },
  { id: 'previews', label: 'Previews', render: previewsTab },
  { id: 'restore-points', label: 'Restore points', render: restorePointsTab },
  { id: 'import', label: 'Import', render: importTab },
  { id: 'webhooks', label: 'Webhooks', render: webhooksTab },
];

/** A one-line message for everyone, read out by screen readers (the region is aria-live). */
export function say(message, bad = false) {
  statusEl.textContent = message;
  statusEl.classList.toggle('bad', bad);
}

let closeView = () => {};

/** What a tab gets: the project, the user, messages, and cleanup hooks that run when the view changes. */
function newScope(project, me) {
  const closers = [];
  closeView();
  closeView = () => closers.splice(0).forEach((f) => f());
  return {
    project, me,
    admin: project ? me.isAdminOf(project.org_id) : false,
    say,
    error: (e) => say(e.message || String(e), true),
    onClose: (f) => closers.push(f),
  };
}

/** Location hash: #/<project id>/<tab>, or #/operator. */
const route = () => {
  const [, a = '', b = ''] = location.hash.split('/');
  return { project: a, tab: b };
};

async function start() {
  let me;
  try {
    me = await init();
  } catch (e) {
    say(e.message, true);
  }
  if (!me) {
    app.replaceChildren(h('div', { class: 'login' },
      h('p', null, 'Sign in to manage backups, previews, imports and cutovers.'),
      h('button', { class: 'primary', onClick: login }, 'Sign in')));
    return;
  }
  document.getElementById('who').replaceChildren(
    h('span', null, `Signed in as ${me.name}${me.operator ? ' (operator)' : ''}`),
    h('button', { onClick: logout }, 'Sign out'));
  window.addEventListener('hashchange', () => show(me));
  await show(me);
}

async function show(me) {
  const r = route();
  // A tab chosen with the arrow keys keeps the keyboard focus across the re-render below.
  const tabHadFocus = document.activeElement?.getAttribute('role') === 'tab';
  let projects = [];
  try {
    projects = (await get('/projects?limit=100')).items;
  } catch (e) {
    say(e.message, true);
  }
  const project = projects.find((p) => p.id === r.project);
  const picker = h('select', { id: 'project-picker', onChange: (e) => { location.hash = e.target.value ? `#/${e.target.value}/backups` : '#/'; } },
    h('option', { value: '' }, projects.length ? '— choose a project —' : '— no projects yet —'),
    projects.map((p) => h('option', { value: p.id, selected: p.id === r.project }, `${p.name} (${p.org_id}, ${p.region})`)));

  const nav = [];
  const tabs = me.operator ? [...(project ? TABS : []), { id: 'operator', label: 'Operator', render: operatorTab }]
    : project ? TABS : [];
  let current = tabs.find((t) => t.id === r.tab) || (r.project === 'operator' ? tabs.find((t) => t.id === 'operator') : tabs[0]);
  const panel = h('div', { id: 'tab-panel', role: 'tabpanel', tabindex: '-1' });
  const tabButtons = tabs.map((t) => h('button', {
    role: 'tab', id: `tab-${t.id}`, 'aria-selected': String(t === current), 'aria-controls': 'tab-panel',
    tabindex: t === current ? '0' : '-1',
    onClick: () => { location.hash = t.id === 'operator' && !project ? '#/operator' : `#/${project?.id || 'operator'}/${t.id}`; },
    onKeydown: (e) => {
      // Arrow keys move between tabs, as in the WAI-ARIA tabs pattern.
      const i = tabs.indexOf(t) + (e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0);
      if (i !== tabs.indexOf(t) && tabs[i]) { document.getElementById(`tab-${tabs[i].id}`).click(); }
    },
  }, t.label));
  if (tabs.length) nav.push(h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Project sections' }, tabButtons));

  app.replaceChildren(
    h('section', null,
      h('div', { class: 'row' },
        h('label', null, 'Project', picker),
        newProjectForm(me)),
      project ? h('p', { class: 'muted' }, `Status ${project.status} · plan ${project.plan} · region ${project.region}`
        + (project.pitr?.available ? ' · point-in-time recovery available' : '')
        + (me.isAdminOf(project.org_id) ? ' · you are an org admin' : ' · you are a member')) : null),
    ...nav, panel);
  const scope = newScope(project, me);
  if (current) {
    try { await current.render(panel, scope); } catch (e) { scope.error(e); }
    if (tabHadFocus) document.getElementById(`tab-${current.id}`).focus();
  }
}

function newProjectForm() {
  const form = h('form', { class: 'row', onSubmit: async (e) => {
    e.preventDefault();
    try {
      const p = await post('/projects', fields(form));
      say(`Project ${p.name} created`);
      location.hash = `#/${p.id}/backups`;
    } catch (err) { say(err.message, true); }
  } },
  h('label', null, 'New project name', h('input', { name: 'name', required: true, pattern: '[a-z0-9-]+', size: 14 })),
  h('button', { type: 'submit' }, 'Create project'));
  return form;
}

start();
