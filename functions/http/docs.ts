import { randomBytes } from 'node:crypto';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';

/**
 * `/openapi.json` (OpenAPI 3.1, generated from the routes' zod schemas) and `/docs`, an interactive
 * reference in Chinese. The page is self-contained: deployments (and this machine) may have no
 * internet, so no CDN assets and no UI package.
 */

export interface DocsInfo {
  title: string;
  version: string;
  description?: string;
}

export const BEARER_SCHEME = 'bearerAuth';
/** Province-to-province calls: signed by the calling province's key, no bearer token. */
export const PARTNER_SCHEME = 'partnerSignature';

export function mountDocs<E extends Env>(app: OpenAPIHono<E>, info: DocsInfo): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: '省级统一身份认证签发的 JWT；本地模式使用启动时打印的演示令牌',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', PARTNER_SCHEME, {
    type: 'apiKey',
    in: 'header',
    name: 'X-GC-Signature',
    description: [
      '合作省份之间的调用，不使用登录令牌，而以请求方省份的私钥（ECDSA P-256 / SHA-256，DER，base64）签名，本省用其配置的公钥验证。',
      '取得共享材料（GET /partner/materials/…）：请求头 X-GC-Province（请求方省份代码）、X-GC-Timestamp（ISO 8601 时间，与本省时钟相差不超过 5 分钟）、',
      'X-GC-Signature（对 “方法\\n路径\\n时间\\n省份代码” 的签名）。',
      '事件（POST /partner/events）：签名不在请求头，而在事件的签名信封 detail.data.envelope 中（对 green-channel.envelope.v1:<contentHash> 的签名）；',
      '验证不通过的事件被拒收并记录。',
    ].join(''),
  });

  // Not app.doc31: it answers a generator failure with the raw error object as JSON; thrown here it
  // reaches the error handler, is logged, and the client gets a plain problem.
  app.get('/openapi.json', (c) =>
    c.json(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { ...info },
        security: [{ [BEARER_SCHEME]: [] }],
      }),
    ),
  );

  app.get('/docs', (c) => {
    // A fresh nonce per answer lets the inline script run under a CSP that forbids everything else.
    const nonce = randomBytes(16).toString('base64');
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    return c.html(docsHtml(nonce));
  });
}

/** The page; the only interpolation is the nonce (base64, so it cannot break out of the attribute). */
export function docsHtml(nonce: string): string {
  return String.raw`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>接口文档 · 工程绿色通道</title>
<style nonce="${nonce}">
  :root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#f6f8fa; --accent:#0b6e4f; --err:#b42318; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.6 -apple-system, "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; color:var(--fg); }
  header { display:flex; gap:16px; align-items:center; flex-wrap:wrap; padding:12px 20px; border-bottom:1px solid var(--line); background:var(--accent); color:#fff; }
  header h1 { font-size:18px; margin:0; }
  header .ver { opacity:.8; font-size:12px; }
  header label { margin-left:auto; display:flex; gap:8px; align-items:center; }
  header input { width:360px; max-width:50vw; padding:4px 8px; border-radius:4px; border:0; font-family:monospace; }
  .layout { display:grid; grid-template-columns: 320px 1fr; min-height: calc(100vh - 58px); }
  nav { border-right:1px solid var(--line); background:var(--bg); padding:12px; overflow:auto; max-height: calc(100vh - 58px); position:sticky; top:0; }
  nav input { width:100%; padding:6px 8px; margin-bottom:8px; border:1px solid var(--line); border-radius:4px; }
  nav h2 { font-size:13px; color:var(--muted); margin:14px 0 4px; }
  nav a { display:flex; gap:6px; align-items:baseline; padding:3px 6px; border-radius:4px; color:inherit; text-decoration:none; }
  nav a:hover, nav a.active { background:#e3e9ef; }
  nav a .p { font-family:monospace; font-size:12px; color:var(--muted); word-break:break-all; }
  main { padding:20px 28px; overflow:auto; }
  .m { display:inline-block; min-width:48px; text-align:center; font:bold 11px monospace; color:#fff; border-radius:3px; padding:1px 4px; text-transform:uppercase; }
  .m.get { background:#1f6feb; } .m.post { background:#1a7f37; } .m.put { background:#9a6700; } .m.patch { background:#8250df; } .m.delete { background:#cf222e; }
  h3 { margin:0 0 4px; font-size:18px; } h4 { margin:22px 0 8px; font-size:15px; border-bottom:1px solid var(--line); padding-bottom:4px; }
  code, pre, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size:12.5px; }
  pre { background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:10px; overflow:auto; max-height:480px; white-space:pre-wrap; word-break:break-all; }
  table { border-collapse:collapse; width:100%; } th, td { text-align:left; border-bottom:1px solid var(--line); padding:5px 8px; vertical-align:top; }
  th { background:var(--bg); font-weight:600; }
  .req { color:var(--err); font-size:12px; } .muted { color:var(--muted); }
  .schema { margin:0; padding-left:16px; list-style:none; border-left:2px solid var(--line); }
  .schema li { margin:2px 0; } .schema .name { font-family:monospace; font-weight:600; } .schema .type { color:#8250df; font-family:monospace; font-size:12px; }
  .try { border:1px solid var(--line); border-radius:6px; padding:12px 16px; background:#fbfcfd; }
  .try label { display:block; margin:6px 0 2px; font-size:13px; }
  .try input, .try textarea { width:100%; padding:5px 8px; border:1px solid var(--line); border-radius:4px; font-family:monospace; }
  .try textarea { min-height:180px; }
  button { cursor:pointer; padding:5px 14px; border-radius:4px; border:1px solid var(--accent); background:var(--accent); color:#fff; }
  button.secondary { background:#fff; color:var(--accent); }
  .status-ok { color:#1a7f37; font-weight:bold; } .status-err { color:var(--err); font-weight:bold; }
  .row { display:flex; gap:8px; align-items:center; margin-top:10px; }
  .empty { color:var(--muted); margin-top:40px; text-align:center; }
</style>
</head>
<body>
<header>
  <h1 id="title">接口文档</h1><span class="ver" id="version"></span>
  <label>访问令牌（Bearer）<input id="token" type="password" autocomplete="off" placeholder="粘贴登录令牌，仅保存在本标签页"></label>
</header>
<div class="layout">
  <nav><input id="filter" type="search" placeholder="搜索接口（路径或说明）"><div id="ops"></div></nav>
  <main id="main"><p class="empty">正在加载接口定义…</p></main>
</div>
<script nonce="${nonce}">
(function () {
  'use strict';
  // Paths are relative to where the page is served, so a stage prefix (e.g. /prod) keeps working.
  var base = location.pathname.replace(/\/docs\/?$/, '');
  var spec = null;
  var operations = [];
  var METHODS = ['get', 'post', 'put', 'patch', 'delete'];
  var IN_ZH = { path: '路径', query: '查询', header: '请求头', cookie: 'Cookie' };

  // Builds DOM nodes; text always goes through textContent, never innerHTML (the spec is data).
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === 'class') el.className = attrs[k];
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), attrs[k]);
      else el.setAttribute(k, attrs[k]);
    });
    append.apply(null, [el].concat(Array.prototype.slice.call(arguments, 2)));
    return el;
  }
  // append(parent, child, child, ...): children may be nodes, text, arrays, or nothing.
  function append(el) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) child.forEach(function (c) { append(el, c); });
      else el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    }
  }

  var tokenInput = document.getElementById('token');
  // sessionStorage, not localStorage: a token is a credential and should die with the tab.
  tokenInput.value = sessionStorage.getItem('gc-token') || '';
  tokenInput.addEventListener('input', function () { sessionStorage.setItem('gc-token', tokenInput.value.trim()); });

  function resolve(schema) {
    var guard = 0;
    while (schema && schema.$ref && guard++ < 20) {
      var name = schema.$ref.split('/').pop();
      schema = (spec.components && spec.components.schemas && spec.components.schemas[name]) || {};
    }
    return schema || {};
  }
  function refName(schema) { return schema && schema.$ref ? schema.$ref.split('/').pop() : null; }

  function typeLabel(schema) {
    var s = resolve(schema);
    var t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
    if (s.enum) return '枚举: ' + s.enum.map(function (v) { return JSON.stringify(v); }).join(' | ');
    if (s['const'] !== undefined) return '常量: ' + JSON.stringify(s['const']);
    if (t === 'array') return '数组<' + typeLabel(s.items || {}) + '>';
    if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map(typeLabel).join(' | ');
    return (t || (s.properties ? 'object' : '任意')) + (s.format ? ' (' + s.format + ')' : '') + (refName(schema) ? ' · ' + refName(schema) : '');
  }
  function constraints(s) {
    var out = [];
    if (s.minLength !== undefined) out.push('最短 ' + s.minLength);
    if (s.maxLength !== undefined) out.push('最长 ' + s.maxLength);
    if (s.minimum !== undefined) out.push('≥ ' + s.minimum);
    if (s.exclusiveMinimum !== undefined) out.push('> ' + s.exclusiveMinimum);
    if (s.maximum !== undefined) out.push('≤ ' + s.maximum);
    if (s.exclusiveMaximum !== undefined) out.push('< ' + s.exclusiveMaximum);
    if (s.minItems !== undefined) out.push('至少 ' + s.minItems + ' 项');
    if (s.maxItems !== undefined) out.push('最多 ' + s.maxItems + ' 项');
    if (s.pattern) out.push('格式 ' + s.pattern);
    if (s['default'] !== undefined) out.push('默认 ' + JSON.stringify(s['default']));
    if (s.additionalProperties === false) out.push('不允许额外字段');
    return out.join('，');
  }

  // Renders a schema as a nested list; depth-limited because schemas may be recursive.
  function schemaTree(schema, depth) {
    var s = resolve(schema);
    if (depth > 6) return h('span', { class: 'muted' }, '…');
    if (s.type === 'array' && s.items) return schemaTree(s.items, depth + 1);
    var variants = s.anyOf || s.oneOf || s.allOf;
    if (variants && !s.properties) {
      return h('ul', { class: 'schema' }, variants.map(function (v, i) {
        return h('li', null, h('span', { class: 'muted' }, (s.allOf ? '并且 ' : '形式 ') + (i + 1) + '：'), h('span', { class: 'type' }, typeLabel(v)), schemaTree(v, depth + 1));
      }));
    }
    if (!s.properties) return null;
    var required = s.required || [];
    return h('ul', { class: 'schema' }, Object.keys(s.properties).map(function (name) {
      var p = s.properties[name];
      var rp = resolve(p);
      var c = constraints(rp);
      return h('li', null,
        h('span', { class: 'name' }, name), ' ',
        h('span', { class: 'type' }, typeLabel(p)), ' ',
        required.indexOf(name) >= 0 ? h('span', { class: 'req' }, '必填') : null,
        rp.description ? h('span', null, ' — ' + rp.description) : null,
        c ? h('span', { class: 'muted' }, '（' + c + '）') : null,
        schemaTree(p, depth + 1));
    }));
  }

  // An example body from the schema, so "试一试" starts from something that has the right shape.
  function example(schema, depth) {
    var s = resolve(schema);
    if (depth > 6) return null;
    if (s.example !== undefined) return s.example;
    if (s.examples && s.examples.length) return s.examples[0];
    if (s['default'] !== undefined) return s['default'];
    if (s.enum) return s.enum[0];
    if (s['const'] !== undefined) return s['const'];
    var variants = s.anyOf || s.oneOf;
    if (variants) return example(variants.filter(function (v) { return resolve(v).type !== 'null'; })[0] || variants[0], depth + 1);
    var t = Array.isArray(s.type) ? s.type.filter(function (x) { return x !== 'null'; })[0] : s.type;
    if (t === 'object' || s.properties) {
      var out = {};
      var required = s.required || [];
      Object.keys(s.properties || {}).forEach(function (k) {
        if (required.indexOf(k) >= 0 || depth === 0) out[k] = example(s.properties[k], depth + 1);
      });
      return out;
    }
    if (t === 'array') return [example(s.items || {}, depth + 1)];
    if (t === 'integer' || t === 'number') return s.minimum !== undefined ? s.minimum : 1;
    if (t === 'boolean') return true;
    if (t === 'string') return s.format === 'date' ? '2026-01-05' : s.format === 'date-time' ? new Date().toISOString() : '';
    return null;
  }

  function paramsOf(op, pathItem) {
    return (pathItem.parameters || []).concat(op.parameters || []).map(function (p) {
      return p.$ref ? resolve(p) : p;
    });
  }

  function opId(o) { return o.method + ' ' + o.path; }

  function load() {
    fetch(base + '/openapi.json').then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (doc) {
      spec = doc;
      document.getElementById('title').textContent = (doc.info && doc.info.title) || '接口文档';
      document.getElementById('version').textContent = doc.info && doc.info.version ? 'v' + doc.info.version + ' · OpenAPI ' + doc.openapi : '';
      Object.keys(doc.paths || {}).forEach(function (path) {
        var item = doc.paths[path];
        METHODS.forEach(function (m) {
          if (item[m]) operations.push({ method: m, path: path, op: item[m], item: item });
        });
      });
      renderNav('');
      route();
    })['catch'](function (e) {
      var main = document.getElementById('main');
      main.textContent = '';
      append(main, h('p', { class: 'empty' }, '无法加载接口定义（' + e.message + '）'));
    });
  }

  function renderNav(filter) {
    var box = document.getElementById('ops');
    box.textContent = '';
    var q = filter.trim().toLowerCase();
    var groups = {};
    var order = [];
    operations.forEach(function (o) {
      var text = (o.path + ' ' + (o.op.summary || '') + ' ' + o.method).toLowerCase();
      if (q && text.indexOf(q) < 0) return;
      var tag = (o.op.tags && o.op.tags[0]) || '其他';
      if (!groups[tag]) { groups[tag] = []; order.push(tag); }
      groups[tag].push(o);
    });
    order.forEach(function (tag) {
      append(box, h('h2', null, tag));
      groups[tag].forEach(function (o) {
        append(box, h('a', { href: '#' + encodeURIComponent(opId(o)), 'data-op': opId(o) },
          h('span', { class: 'm ' + o.method }, o.method),
          h('span', null, h('div', null, o.op.summary || o.path), h('div', { class: 'p' }, o.path))));
      });
    });
    if (!order.length) append(box, h('p', { class: 'muted' }, '没有匹配的接口'));
  }
  document.getElementById('filter').addEventListener('input', function (e) { renderNav(e.target.value); });

  function route() {
    var id = decodeURIComponent(location.hash.slice(1));
    var found = operations.filter(function (o) { return opId(o) === id; })[0];
    Array.prototype.forEach.call(document.querySelectorAll('nav a'), function (a) {
      a.classList.toggle('active', a.getAttribute('data-op') === id);
    });
    var main = document.getElementById('main');
    main.textContent = '';
    if (!found) {
      append(main, h('h3', null, (spec.info && spec.info.title) || '接口文档'));
      if (spec.info && spec.info.description) append(main, h('p', null, spec.info.description));
      append(main, h('p', { class: 'muted' }, '共 ' + operations.length + ' 个接口。请在左侧选择接口查看说明，并可在“试一试”中直接调用。除公开接口外，调用前请在右上角粘贴访问令牌。'));
      return;
    }
    append(main, renderOperation(found));
  }
  window.addEventListener('hashchange', route);

  function renderOperation(o) {
    var op = o.op;
    var params = paramsOf(op, o.item);
    var bodyContent = op.requestBody && op.requestBody.content;
    var bodyType = bodyContent ? Object.keys(bodyContent)[0] : null;
    var bodySchema = bodyType ? bodyContent[bodyType].schema : null;
    var wrap = h('div', null,
      h('h3', null, h('span', { class: 'm ' + o.method }, o.method), ' ', h('span', { class: 'mono' }, o.path)),
      op.summary ? h('p', null, op.summary) : null,
      op.description ? h('p', { class: 'muted' }, op.description) : null,
      op.security && op.security.length === 0 ? h('p', { class: 'muted' }, '公开接口，无需令牌。') : null);

    append(wrap, h('h4', null, '参数'));
    if (params.length) {
      append(wrap, h('table', null,
        h('tr', null, h('th', null, '名称'), h('th', null, '位置'), h('th', null, '类型'), h('th', null, '说明')),
        params.map(function (p) {
          var s = resolve(p.schema || {});
          var c = constraints(s);
          return h('tr', null,
            h('td', { class: 'mono' }, p.name, p.required ? h('span', { class: 'req' }, ' 必填') : null),
            h('td', null, IN_ZH[p['in']] || p['in']),
            h('td', { class: 'mono' }, typeLabel(p.schema || {})),
            h('td', null, p.description || s.description || '', c ? h('div', { class: 'muted' }, c) : null));
        })));
    } else append(wrap, h('p', { class: 'muted' }, '无'));

    if (bodySchema) {
      append(wrap, h('h4', null, '请求体 ', h('span', { class: 'muted mono' }, bodyType)));
      var rootRules = constraints(resolve(bodySchema));
      append(wrap, h('div', null, h('span', { class: 'type' }, typeLabel(bodySchema)), rootRules ? h('span', { class: 'muted' }, '（' + rootRules + '）') : null), schemaTree(bodySchema, 0));
    }

    append(wrap, h('h4', null, '响应'));
    Object.keys(op.responses || {}).forEach(function (status) {
      var r = op.responses[status];
      var content = r.content || {};
      var type = Object.keys(content)[0];
      var schema = type ? content[type].schema : null;
      var details = h('details', null,
        h('summary', null, h('span', { class: /^2/.test(status) ? 'status-ok' : 'status-err' }, status), ' ', r.description || '', type ? h('span', { class: 'muted mono' }, '  ' + type) : null));
      if (schema) append(details, h('div', null, h('span', { class: 'type' }, typeLabel(schema))), schemaTree(schema, 0));
      append(wrap, details);
    });

    append(wrap, h('h4', null, '试一试'));
    append(wrap, tryForm(o, params, bodySchema, bodyType));
    return wrap;
  }

  function tryForm(o, params, bodySchema, bodyType) {
    var inputs = [];
    var form = h('div', { class: 'try' });
    params.forEach(function (p) {
      var id = 'p-' + p['in'] + '-' + p.name;
      var input = h('input', { id: id, placeholder: p.required ? '必填' : '可选' });
      if (p.name.toLowerCase() === 'idempotency-key') input.value = newKey();
      inputs.push({ p: p, input: input });
      var extra = p.name.toLowerCase() === 'idempotency-key'
        ? h('button', { class: 'secondary', type: 'button', onclick: function () { input.value = newKey(); } }, '换一个')
        : null;
      append(form, h('label', { 'for': id }, p.name + '（' + (IN_ZH[p['in']] || p['in']) + '）', extra ? ' ' : null, extra), input);
    });
    var body = null;
    if (bodySchema) {
      body = h('textarea', { id: 'try-body', spellcheck: 'false' });
      body.value = JSON.stringify(example(bodySchema, 0), null, 2);
      append(form, h('label', { 'for': 'try-body' }, '请求体（JSON）'), body);
    }
    var result = h('div');
    var send = h('button', { type: 'button' }, '发送请求');
    send.addEventListener('click', function () {
      var path = o.path;
      var query = new URLSearchParams();
      var headers = {};
      var missing = [];
      inputs.forEach(function (x) {
        var v = x.input.value.trim();
        if (!v) { if (x.p.required) missing.push(x.p.name); return; }
        if (x.p['in'] === 'path') path = path.split('{' + x.p.name + '}').join(encodeURIComponent(v));
        else if (x.p['in'] === 'query') query.append(x.p.name, v);
        else if (x.p['in'] === 'header') headers[x.p.name] = v;
      });
      result.textContent = '';
      if (missing.length) { append(result, h('p', { class: 'status-err' }, '请填写必填参数：' + missing.join('、'))); return; }
      var token = tokenInput.value.trim();
      if (token) headers.Authorization = 'Bearer ' + token;
      var init = { method: o.method.toUpperCase(), headers: headers };
      if (body) { headers['Content-Type'] = bodyType || 'application/json'; init.body = body.value; }
      var url = base + path + (query.toString() ? '?' + query.toString() : '');
      var started = performance.now();
      append(result, h('p', { class: 'muted' }, '发送中…'));
      fetch(url, init).then(function (res) {
        return res.text().then(function (text) {
          var ms = Math.round(performance.now() - started);
          var shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON: show as is */ }
          var interesting = ['content-type', 'etag', 'idempotent-replayed', 'www-authenticate', 'x-request-id'];
          var hdrs = interesting.filter(function (k) { return res.headers.get(k); }).map(function (k) { return k + ': ' + res.headers.get(k); });
          result.textContent = '';
          append(result,
            h('p', null, h('span', { class: res.ok ? 'status-ok' : 'status-err' }, res.status + ' ' + res.statusText), h('span', { class: 'muted' }, '  用时 ' + ms + ' 毫秒')),
            h('div', { class: 'mono muted' }, init.method + ' ' + url),
            hdrs.length ? h('pre', null, hdrs.join('\n')) : null,
            h('pre', null, shown || '（无响应体）'));
          if (res.status === 401 && !token) append(result, h('p', { class: 'status-err' }, '此接口需要登录：请在右上角粘贴访问令牌。'));
        });
      })['catch'](function (e) {
        result.textContent = '';
        append(result, h('p', { class: 'status-err' }, '请求失败：' + e.message));
      });
    });
    append(form, h('div', { class: 'row' }, send), result);
    return form;
  }

  function newKey() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + '-' + Math.random().toString(16).slice(2));
  }

  load();
})();
</script>
</body>
</html>
`;
}
