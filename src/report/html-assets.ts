/**
 * The HTML report's stylesheet and script, inlined into the page and allowed by their sha256 in the page's CSP.
 * The script reads the report from the JSON data block and builds every node with textContent, never innerHTML,
 * so nothing from the cloud is ever parsed as markup. Kept as plain strings (not compiled code) so the page is
 * byte-identical whether the package runs from src/ or dist/.
 */

export const HTML_STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #d1d9e0; --soft: #f6f8fa;
  --critical: #a40e26; --high: #d1242f; --medium: #bf8700; --low: #0969da; --info: #6e7781; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
.muted { color: var(--muted); }
.summary { font-weight: 600; margin: 8px 0 16px; }
.chart text { font: 12px system-ui, sans-serif; fill: var(--fg); }
.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; margin: 12px 0; padding: 12px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
.filters select, .filters input[type=search] { font: inherit; padding: 4px 6px; min-width: 140px; max-width: 320px; }
.filters .check { flex-direction: row; align-items: center; gap: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); overflow-wrap: break-word; word-break: normal; hyphens: none; }
th { background: var(--soft); position: sticky; top: 0; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
td.num { text-align: right; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button:focus-visible, .toggle:focus-visible { outline: 2px solid var(--low); }
th[aria-sort=ascending] button::after { content: " \\25B2"; }
th[aria-sort=descending] button::after { content: " \\25BC"; }
tr.finding { cursor: pointer; }
tr.finding:hover { background: var(--soft); }
tr.suppressed td { color: var(--muted); }
.toggle { all: unset; cursor: pointer; width: 1em; display: inline-block; }
.sev { display: inline-block; min-width: 64px; padding: 1px 6px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; text-align: center; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); } .sev-medium { background: var(--medium); }
.sev-low { background: var(--low); } .sev-info { background: var(--info); }
.tag { display: inline-block; margin-left: 4px; padding: 0 5px; border: 1px solid var(--line); border-radius: 8px; font-size: 11px; color: var(--muted); }
td.detail { background: var(--soft); padding: 12px 16px; }
.detail h3 { font-size: 13px; margin: 12px 0 4px; }
.tree, .tree ul { list-style: none; margin: 0; padding-left: 18px; }
.tree { padding-left: 0; }
.tree li { position: relative; padding-left: 14px; }
.tree ul li::before { content: ""; position: absolute; left: 0; top: 0.7em; width: 10px; border-top: 1px solid var(--muted); }
.tree ul { border-left: 1px solid var(--muted); margin-left: 4px; }
.node-kind { color: var(--muted); font-size: 12px; margin-right: 6px; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: break-word; }
.copy { font: inherit; font-size: 12px; padding: 2px 8px; cursor: pointer; }
.empty { padding: 16px; color: var(--muted); }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #3d444d; --soft: #151b23; }
}
`;

export const HTML_SCRIPT = `
(function () {
  'use strict';
  var RANK = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var findings = report.findings.map(function (f, i) { return { f: f, i: i, workload: workload(f) }; });
  var state = { key: null, dir: 1, open: {} };
  var tbody = document.getElementById('findings-body');
  var count = document.getElementById('shown-count');
  var controls = {
    severity: document.getElementById('f-severity'),
    rule: document.getElementById('f-rule'),
    project: document.getElementById('f-project'),
    identity: document.getElementById('f-identity'),
    search: document.getElementById('f-search'),
    suppressed: document.getElementById('f-suppressed')
  };

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // Identifiers (emails, resource names) get a <wbr> after each separator, so a narrow column wraps them between
  // parts, never mid-word; copying the text gives it back unchanged.
  function breakable(tag, className, text) {
    var e = el(tag, className);
    String(text).split(/(?<=[\/.@_:=])(?=[A-Za-z0-9])/).forEach(function (part, i) {
      if (i > 0) e.appendChild(document.createElement('wbr'));
      e.appendChild(document.createTextNode(part));
    });
    return e;
  }

  function workload(f) {
    var m = /^projects\\/[^/]+\\/locations\\/[^/]+\\/(services|jobs)\\/([\\s\\S]+?)(?:\\/revisions\\/([\\s\\S]+))?$/.exec(f.resource);
    if (!m) return f.resourceType + ' ' + f.resource;
    return m[3] !== undefined ? f.resourceType + ' ' + m[3] + ' of ' + m[2] : f.resourceType + ' ' + m[2];
  }

  function fillSelect(select, values) {
    values.forEach(function (v) {
      var o = el('option', '', v);
      o.value = v;
      select.appendChild(o);
    });
  }
  function distinct(get) {
    var seen = {};
    var out = [];
    findings.forEach(function (x) { var v = get(x.f); if (!Object.prototype.hasOwnProperty.call(seen, v)) { seen[v] = 1; out.push(v); } });
    return out.sort();
  }
  fillSelect(controls.severity, Object.keys(RANK).filter(function (s) { return findings.some(function (x) { return x.f.severity === s; }); }));
  fillSelect(controls.rule, distinct(function (f) { return f.ruleId; }));
  fillSelect(controls.project, distinct(function (f) { return f.project; }));
  fillSelect(controls.identity, distinct(function (f) { return f.serviceAccount; }));

  var SORT = {
    severity: function (x) { return -RANK[x.f.severity]; },
    rule: function (x) { return x.f.ruleId; },
    project: function (x) { return x.f.project; },
    workload: function (x) { return x.workload; },
    identity: function (x) { return x.f.serviceAccount; },
    message: function (x) { return x.f.message; }
  };
  function compare(a, b) {
    if (state.key) {
      var ka = SORT[state.key](a), kb = SORT[state.key](b);
      if (ka < kb) return -state.dir;
      if (ka > kb) return state.dir;
    }
    return a.i - b.i;
  }

  function visible() {
    var sev = controls.severity.value, rule = controls.rule.value, project = controls.project.value, identity = controls.identity.value;
    var q = controls.search.value.trim().toLowerCase();
    var withSuppressed = controls.suppressed.checked;
    return findings.filter(function (x) {
      var f = x.f;
      if (sev && f.severity !== sev) return false;
      if (rule && f.ruleId !== rule) return false;
      if (project && f.project !== project) return false;
      if (identity && f.serviceAccount !== identity) return false;
      if (!withSuppressed && f.suppressed) return false;
      if (q) {
        var hay = [f.ruleId, f.project, f.location, f.resource, f.serviceAccount, f.message, x.workload].join('\\n').toLowerCase();
        if (hay.indexOf(q) < 0) return false;
      }
      return true;
    });
  }

  function copyText(text, button) {
    function done(ok) {
      button.textContent = ok ? 'Copied' : 'Copy failed';
      setTimeout(function () { button.textContent = 'Copy'; }, 1500);
    }
    function fallback() {
      var area = el('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  function codeBlock(parent, title, text) {
    var head = el('h3', '', title + ' ');
    var button = el('button', 'copy', 'Copy');
    button.type = 'button';
    button.addEventListener('click', function (ev) { ev.stopPropagation(); copyText(text, button); });
    head.appendChild(button);
    parent.appendChild(head);
    var pre = el('pre');
    pre.appendChild(el('code', '', text));
    parent.appendChild(pre);
  }

  function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function show(v) { return typeof v === 'string' ? v : JSON.stringify(v); }

  // Reads the evidence the rules write: objects naming a role (under grants, permissions, unknownRoles, ...)
  // are the identity's roles and where they are granted; objects naming a member (principals, publicMembers)
  // are other principals' grants. The evidence object's own top-level role only says what the finding is about.
  function collect(evidence) {
    var roles = [];
    var byRole = {};
    var members = [];
    function walk(v, key) {
      if (Array.isArray(v)) { v.forEach(function (x) { walk(x, key); }); return; }
      if (!isObject(v)) return;
      if (typeof v.member === 'string') { members.push({ key: key, grant: v }); return; }
      if (typeof v.role === 'string') {
        var id = v.role + (key === 'unknownRoles' ? ' (definition unknown)' : '');
        if (!Object.prototype.hasOwnProperty.call(byRole, id)) { byRole[id] = []; roles.push(id); }
        byRole[id].push(v);
      }
      Object.keys(v).forEach(function (k) { if (k !== 'role') walk(v[k], k); });
    }
    if (isObject(evidence)) Object.keys(evidence).forEach(function (k) { walk(evidence[k], k); });
    if (roles.length === 0 && isObject(evidence) && typeof evidence.role === 'string') roles.push(evidence.role);
    return {
      roles: roles.map(function (r) { return { role: r, grants: byRole[r] || [] }; }),
      members: members
    };
  }

  function treeItem(kind, text) {
    var li = el('li');
    li.appendChild(el('span', 'node-kind', kind));
    li.appendChild(el('span', '', text));
    return li;
  }
  function grantLabel(g, skip) {
    var parts = [];
    var place = g.place !== undefined ? g.place : g.node;
    var name = g.placeDisplayName !== undefined ? g.placeDisplayName : g.displayName;
    if (place !== undefined) parts.push('on ' + show(place) + (name !== undefined ? ' (' + show(name) + ')' : ''));
    Object.keys(g).forEach(function (k) {
      if (skip.indexOf(k) >= 0 || k === 'place' || k === 'node' || k === 'placeDisplayName' || k === 'displayName') return;
      var v = g[k];
      if (k === 'condition' && isObject(v)) parts.push('if ' + show(v.title !== undefined ? v.title : '') + ': ' + show(v.expression !== undefined ? v.expression : ''));
      else if (k === 'deleted') { if (v === true) parts.push('deleted principal'); }
      else parts.push(k + ': ' + show(v));
    });
    return parts.join(' · ') || 'granted';
  }
  var MEMBER_KIND = { principals: 'may act as it', publicMembers: 'public' };
  function memberItem(m) {
    return treeItem(MEMBER_KIND[m.key] || m.key, show(m.grant.member) + ' · ' + show(m.grant.role) + ' ' + grantLabel(m.grant, ['member', 'role']));
  }
  function sub(li) {
    var ul = el('ul');
    li.appendChild(ul);
    return ul;
  }
  function tree(f) {
    var found = collect(f.evidence);
    var root = el('ul', 'tree');
    var w = treeItem('workload', workloadLabelLong(f));
    root.appendChild(w);
    var wl = sub(w);
    var id = treeItem('identity', f.serviceAccount);
    wl.appendChild(id);
    var onIdentity = found.members.filter(function (m) { return m.key === 'principals'; });
    if (found.roles.length > 0 || onIdentity.length > 0) {
      var il = sub(id);
      found.roles.forEach(function (r) {
        var li = treeItem('role', r.role);
        il.appendChild(li);
        if (r.grants.length === 0) return;
        var gl = sub(li);
        r.grants.forEach(function (g) { gl.appendChild(treeItem('granted', grantLabel(g, ['role']))); });
      });
      onIdentity.forEach(function (m) { il.appendChild(memberItem(m)); });
    }
    found.members.filter(function (m) { return m.key !== 'principals'; }).forEach(function (m) { wl.appendChild(memberItem(m)); });
    return root;
  }
  function workloadLabelLong(f) { return workload(f) + ' (' + f.location + ', ' + f.project + ')'; }

  function detail(f) {
    var td = el('td', 'detail');
    td.colSpan = 7;
    td.appendChild(el('h3', '', 'Where the privilege comes from'));
    td.appendChild(tree(f));
    td.appendChild(el('h3', '', 'Message'));
    td.appendChild(el('div', '', f.message));
    td.appendChild(el('h3', '', 'How to fix'));
    td.appendChild(el('div', '', f.remediation.summary));
    if (f.remediation.commands.length > 0) codeBlock(td, 'Commands', f.remediation.commands.join('\\n'));
    if (f.remediation.terraform !== undefined) codeBlock(td, 'Terraform', f.remediation.terraform);
    if (f.suppression) {
      var s = f.suppression;
      td.appendChild(el('h3', '', s.expired ? 'Suppression (expired)' : 'Suppression'));
      td.appendChild(el('div', '', s.reason + ' (until ' + s.expires + (s.owner !== undefined ? ', owner ' + s.owner : '') + '; matches ' + s.resource + ')'));
    }
    td.appendChild(el('h3', '', 'Evidence'));
    td.appendChild(el('pre', '', JSON.stringify(f.evidence, null, 2)));
    td.appendChild(el('div', 'muted', 'Finding id ' + f.id + ' · ' + f.resource));
    var tr = el('tr', 'detail-row');
    tr.appendChild(td);
    return tr;
  }

  function row(x) {
    var f = x.f;
    var tr = el('tr', 'finding' + (f.suppressed ? ' suppressed' : ''));
    tr.setAttribute('data-id', f.id);
    var open = state.open[f.id] === true;
    var t = el('td');
    var toggle = el('button', 'toggle', open ? '\\u25BE' : '\\u25B8');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    toggle.setAttribute('aria-label', 'details');
    t.appendChild(toggle);
    tr.appendChild(t);
    var sev = el('td', 'nowrap');
    sev.appendChild(el('span', 'sev sev-' + f.severity, f.severity));
    tr.appendChild(sev);
    var rule = breakable('td', '', f.ruleId);
    if (f.new === true) rule.appendChild(el('span', 'tag', 'new'));
    if (f.suppressed) rule.appendChild(el('span', 'tag', 'suppressed'));
    else if (f.suppression && f.suppression.expired) rule.appendChild(el('span', 'tag', 'suppression expired'));
    tr.appendChild(rule);
    tr.appendChild(el('td', 'nowrap', f.project));
    tr.appendChild(breakable('td', '', x.workload + ' (' + f.location + ')'));
    tr.appendChild(breakable('td', '', f.serviceAccount));
    tr.appendChild(breakable('td', '', f.message));
    tr.addEventListener('click', function (ev) {
      if (ev.target && ev.target.closest && ev.target.closest('.detail-row')) return;
      state.open[f.id] = !state.open[f.id];
      render();
    });
    return tr;
  }

  // Rebuilding tens of thousands of rows on every keystroke would freeze the page; filters narrow it down.
  var ROW_LIMIT = 2000;
  function render() {
    var list = visible().sort(compare);
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    list.slice(0, ROW_LIMIT).forEach(function (x) {
      tbody.appendChild(row(x));
      if (state.open[x.f.id] === true) tbody.appendChild(detail(x.f));
    });
    if (list.length === 0) {
      var tr = el('tr');
      var td = el('td', 'empty', 'No findings match the filters.');
      td.colSpan = 7;
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
    count.textContent = list.length <= ROW_LIMIT
      ? 'Showing ' + list.length + ' of ' + findings.length + ' findings'
      : 'Showing the first ' + ROW_LIMIT + ' of ' + list.length + ' matching findings (' + findings.length + ' in all); narrow the filters to see the rest';
    Array.prototype.forEach.call(document.querySelectorAll('th[data-sort]'), function (th) {
      var key = th.getAttribute('data-sort');
      if (key === state.key) th.setAttribute('aria-sort', state.dir === 1 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('th[data-sort] button'), function (b) {
    b.addEventListener('click', function () {
      var key = b.parentNode.getAttribute('data-sort');
      if (state.key === key) state.dir = -state.dir;
      else { state.key = key; state.dir = 1; }
      render();
    });
  });
  ['severity', 'rule', 'project', 'identity', 'suppressed'].forEach(function (k) { controls[k].addEventListener('change', render); });
  controls.search.addEventListener('input', render);
  render();
})();
`;
