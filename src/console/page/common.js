// What every part of the console shares: the API call, element building (text only, never markup), the words
// staff read instead of codes, times, and the status line. Nothing a user or colleague wrote is parsed as HTML.
(function () {
  'use strict';
  var HL = (window.HL = window.HL || {});

  HL.$ = function (id) { return document.getElementById(id); };

  /** el('li', {className: 'x', text: 'y', data: {id: 1}, on: {click: f}, attrs: {'aria-label': 'z'}}, [children]) */
  HL.el = function (tag, props, children) {
    var node = document.createElement(tag);
    props = props || {};
    Object.keys(props).forEach(function (k) {
      var v = props[k];
      if (v === undefined || v === null) return;
      if (k === 'text') node.textContent = String(v);
      else if (k === 'className') node.className = v;
      else if (k === 'data') Object.keys(v).forEach(function (d) { node.dataset[d] = String(v[d]); });
      else if (k === 'on') Object.keys(v).forEach(function (e) { node.addEventListener(e, v[e]); });
      else if (k === 'attrs') Object.keys(v).forEach(function (a) { if (v[a] !== undefined && v[a] !== null && v[a] !== false) node.setAttribute(a, v[a] === true ? '' : String(v[a])); });
      else node[k] = v;
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  };

  HL.clear = function (node) { while (node.firstChild) node.removeChild(node.firstChild); return node; };

  // --- words instead of codes ---
  HL.RISK = { imminent: '紧急', high: '高', elevated: '中', none: '无' };
  HL.RISK_ORDER = ['imminent', 'high', 'elevated', 'none'];
  HL.STATE = { bot: '机器人应答中', queued: '排队中', agent: '人工处理中', closed: '已关闭' };
  HL.OUTCOME = {
    information_given: '已提供信息',
    referred_police: '转介公安',
    referred_court: '转介法院',
    referred_shelter: '转介庇护所',
    referred_legal_aid: '转介法律援助',
    referred_counselling: '转介心理咨询',
    referred_hospital: '转介医院',
    follow_up_agreed: '约定跟进',
    safe_callback_consented: '同意安全回访',
    no_contact_wanted: '她不希望被联系',
    left_without_reply: '她已离开，未回复',
  };
  HL.CALLBACK_KIND = { offline_request: '无人在线时的留言', safe_callback: '约定的安全回访' };
  HL.CALLBACK_RESULT = { reached: '已联系上', not_reached: '没有联系上', not_safe: '不安全，未联系', cancelled: '已取消' };
  HL.REFERRAL_KIND = { police: '公安', court: '法院', shelter: '庇护所', legal_aid: '法律援助', counselling: '心理咨询', hospital: '医院', federation: '妇联' };
  HL.ROLE = { agent: '接线员', supervisor: '主管', admin: '管理员' };
  HL.LOCALE = { zh: '中文', en: '英文' };
  HL.RANK = { agent: 0, supervisor: 1, admin: 2 };

  /** Topic titles in Chinese, filled from GET /topics. */
  HL.topics = {};
  HL.topicTitle = function (id) { return id ? (HL.topics[id] || id) : '未分类'; };

  HL.riskBadge = function (risk, extraClass) {
    return HL.el('span', { className: 'risk risk-' + risk + (extraClass ? ' ' + extraClass : ''), text: HL.RISK[risk] || risk, attrs: { title: '风险：' + (HL.RISK[risk] || risk) } });
  };

  // --- times ---
  var pad = function (n) { return String(n).padStart(2, '0'); };
  HL.clockTime = function (ms) { var d = new Date(ms); return pad(d.getHours()) + ':' + pad(d.getMinutes()); };
  HL.dateTime = function (ms) {
    if (!ms && ms !== 0) return '—';
    var d = new Date(ms);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  };
  HL.shortDateTime = function (ms) {
    var d = new Date(ms);
    var today = new Date();
    if (d.toDateString() === today.toDateString()) return '今天 ' + HL.clockTime(ms);
    var y = new Date(today.getTime() - 86400000);
    if (d.toDateString() === y.toDateString()) return '昨天 ' + HL.clockTime(ms);
    return (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + HL.clockTime(ms);
  };
  HL.isoDate = function (d) { return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()); };
  /** A waiting time that ticks: 0:42, 12:05, 1:02:10. */
  HL.elapsed = function (since) {
    var s = Math.max(0, Math.floor((Date.now() - since) / 1000));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    return (h ? h + ':' + pad(m) : String(m)) + ':' + pad(s % 60);
  };
  HL.duration = function (ms) {
    if (ms === null || ms === undefined) return '—';
    var s = Math.round(ms / 1000);
    if (s < 60) return s + ' 秒';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' 分 ' + (s % 60) + ' 秒';
    return Math.floor(m / 60) + ' 小时 ' + (m % 60) + ' 分';
  };

  // --- the status line ---
  var statusTimer = null;
  HL.status = function (text, kind) {
    var node = HL.$('status');
    node.textContent = text || '';
    node.className = 'status' + (text ? ' shown' : '') + (kind === 'error' ? ' error' : kind === 'ok' ? ' ok' : '');
    clearTimeout(statusTimer);
    if (text && kind !== 'error') statusTimer = setTimeout(function () { node.textContent = ''; node.className = 'status'; }, 6000);
  };
  HL.fail = function (err, what) {
    HL.status((what ? what + '：' : '') + HL.explain(err), 'error');
  };
  /** The API answers in English for developers; staff read Chinese, with the server's words kept for support. */
  HL.explain = function (err) {
    if (!err) return '出错了';
    var msg = err.message || '';
    if (err.status === 0 && err.timeout) return '服务器 30 秒没有回答，可能已经做了，请先看一眼再重试。';
    if (err.status === 0) return '连不上服务器，请检查网络后再试。';
    if (/someone else has taken this chat/.test(msg)) return '别人已经接手了这个对话。（someone else has taken this chat）';
    if (/only the person holding this chat/.test(msg)) return '只有接手这个对话的人才能这样做。';
    if (/is not waiting to be claimed|illegal transition/i.test(msg)) return '这个对话的状态已经变了，请刷新后再看。（' + msg + '）';
    if (err.status === 403 && /needs the/.test(msg)) return '你的角色没有这个权限。';
    if (err.status === 429) return '操作太频繁，请稍后再试。';
    if (err.status >= 500) return '服务器出错了，请稍后再试。';
    return msg || ('HTTP ' + err.status);
  };

  // --- the API ---
  HL.csrf = null;
  HL.user = null;
  /** Set by console.js: what happens when the session is gone (401) or needs two-factor set-up first. */
  HL.onUnauthorized = function () {};
  HL.onTwoFactorSetup = function () {};

  HL.API_TIMEOUT_MS = 30000;
  HL.api = function (method, path, body, options) {
    options = options || {};
    var headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (HL.csrf && method !== 'GET') headers['x-csrf-token'] = HL.csrf;
    // A request that never answers must not hold the keys (they act in turn) or the screen forever.
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, HL.API_TIMEOUT_MS);
    var lost = function (e) {
      var err = new Error(e && e.message ? e.message : 'network');
      err.status = 0;
      err.timeout = controller.signal.aborted;
      throw err;
    };
    return fetch('/console/api' + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', cache: 'no-store', signal: controller.signal })
      .then(function (res) {
        return res.text().catch(lost).then(function (t) {
          var data = {};
          try { data = t ? JSON.parse(t) : {}; } catch (e) { data = { error: t }; }
          if (!res.ok) {
            var err = new Error(data.error || ('HTTP ' + res.status));
            err.status = res.status;
            err.data = data;
            if (res.status === 401 && !options.login) HL.onUnauthorized();
            if (res.status === 403 && data.twoFactor === 'setup') HL.onTwoFactorSetup();
            throw err;
          }
          return data;
        });
      }, lost)
      .finally(function () { clearTimeout(timer); });
  };

  /** Fills a <select> with [value, label] pairs, keeping the chosen value when it still exists. */
  HL.options = function (select, pairs, keep) {
    var previous = keep ? select.value : '';
    HL.clear(select);
    pairs.forEach(function (p) { select.appendChild(HL.el('option', { value: p[0], text: p[1] })); });
    if (previous && pairs.some(function (p) { return p[0] === previous; })) select.value = previous;
  };

  /** A random id for a retried send (not a secret; crypto.randomUUID only exists on secure origins). */
  HL.newId = function () {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  };

  /** Marks a field of an editor invalid from an API error such as "items.3.phone: required". */
  HL.markField = function (container, field) {
    Array.prototype.forEach.call(container.querySelectorAll('[aria-invalid]'), function (n) { n.removeAttribute('aria-invalid'); });
    if (!field) return;
    var target = container.querySelector('[data-field="' + field.replace(/"/g, '') + '"]');
    var parts = field.split('.');
    while (!target && parts.length > 1) {
      parts.pop();
      target = container.querySelector('[data-field="' + parts.join('.') + '"]');
    }
    if (target) { target.setAttribute('aria-invalid', 'true'); target.focus(); }
  };
})();
