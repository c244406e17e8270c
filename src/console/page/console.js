// The staff console. Everything a user wrote is shown with textContent: nothing from a chat runs as markup.
(function () {
  'use strict';
  var csrf = null;
  var current = null;
  var queue = [];
  var knownImminent = {};
  var $ = function (id) { return document.getElementById(id); };

  function status(text) { $('status').textContent = text || ''; }

  function api(method, path, body) {
    var headers = { 'content-type': 'application/json' };
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    return fetch('/console/api' + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin' })
      .then(function (res) {
        return res.text().then(function (t) {
          var data = t ? JSON.parse(t) : {};
          if (!res.ok) { var err = new Error(data.error || ('HTTP ' + res.status)); err.status = res.status; err.data = data; throw err; }
          return data;
        });
      });
  }

  function minutes(since) {
    var s = Math.max(0, Math.floor((Date.now() - since) / 1000));
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }

  function cell(tr, text) { var td = document.createElement('td'); td.textContent = text; tr.appendChild(td); return td; }

  function renderQueue() {
    var body = $('queue').querySelector('tbody');
    body.textContent = '';
    queue.forEach(function (item) {
      var tr = document.createElement('tr');
      tr.className = 'row risk-' + item.risk;
      tr.dataset.id = item.id;
      cell(tr, String(item.position));
      cell(tr, item.risk);
      cell(tr, (item.reasons || item.signals).join('、'));
      cell(tr, item.topic);
      var wait = cell(tr, minutes(item.waitingSince));
      wait.className = 'wait';
      wait.dataset.since = item.waitingSince;
      tr.addEventListener('click', function () { openChat(item.id); });
      body.appendChild(tr);
    });
  }

  function alertNew() {
    queue.forEach(function (item) {
      if (item.risk !== 'imminent' || knownImminent[item.id]) return;
      knownImminent[item.id] = true;
      try {
        var ctx = new (window.AudioContext || window.webkitAudioContext)();
        var osc = ctx.createOscillator();
        osc.connect(ctx.destination); osc.frequency.value = 880; osc.start(); osc.stop(ctx.currentTime + 0.4);
      } catch (e) { /* no audio device */ }
      if (window.Notification && Notification.permission === 'granted') new Notification('紧急对话', { body: (item.reasons || item.signals).join('、') });
    });
  }

  function loadHeld() {
    return api('GET', '/conversations/held').then(function (data) {
      var body = $('held').querySelector('tbody');
      body.textContent = '';
      data.items.forEach(function (item) {
        var tr = document.createElement('tr');
        tr.className = 'row risk-' + item.risk;
        tr.dataset.id = item.id;
        [item.id.slice(0, 8), item.risk, (item.reasons || item.signals).join('、'), item.topic || '', item.assignee || ''].forEach(function (t) { cell(tr, t); });
        tr.addEventListener('click', function () { openChat(item.id); });
        body.appendChild(tr);
      });
    });
  }

  function loadQueue() {
    loadHeld().catch(function (err) { status(err.message); });
    return api('GET', '/queue').then(function (data) { queue = data.items; renderQueue(); alertNew(); });
  }

  function openChat(id) {
    current = id;
    return api('GET', '/conversations/' + encodeURIComponent(id)).then(function (chat) {
      $('chat-view').hidden = false;
      $('chat-id').textContent = chat.id;
      $('chat-state').textContent = chat.state + (chat.assignee ? ' · ' + chat.assignee : '');
      var list = $('transcript');
      list.textContent = '';
      chat.messages.forEach(function (m) {
        var li = document.createElement('li');
        li.className = 'from-' + m.from;
        li.textContent = m.text;
        list.appendChild(li);
      });
      var notes = $('notes');
      notes.textContent = '';
      chat.notes.forEach(function (n) { var li = document.createElement('li'); li.textContent = n.by + ': ' + n.text; notes.appendChild(li); });
    }, function (err) { status(err.message); });
  }

  function act(path, body) {
    if (!current) return;
    status('');
    api('POST', '/conversations/' + encodeURIComponent(current) + path, body)
      .then(function () { return Promise.all([openChat(current), loadQueue()]); })
      .catch(function (err) { status(err.message); });
  }

  $('claim').addEventListener('click', function () { act('/claim'); });
  $('release').addEventListener('click', function () { act('/release'); });
  $('transfer').addEventListener('click', function () { act('/transfer', { to: $('transfer-to').value }); });
  $('outcome').addEventListener('change', function () { $('callback-time').hidden = $('outcome').value !== 'safe_callback_consented'; });
  $('resolve').addEventListener('click', function () {
    var body = { outcome: $('outcome').value };
    if (body.outcome === 'safe_callback_consented') {
      if (!$('callback-time').value.trim()) { status('请填写她同意的安全回访时间'); return $('callback-time').focus(); }
      body.safeCallbackTime = $('callback-time').value.trim();
    }
    act('/resolve', body);
  });
  $('reply-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('reply').value;
    act('/messages', { text: text });
    $('reply').value = '';
  });
  $('note-form').addEventListener('submit', function (e) {
    e.preventDefault();
    act('/notes', { text: $('note').value });
    $('note').value = '';
  });

  function loadCanned() {
    api('GET', '/canned').then(function (data) {
      var select = $('canned');
      data.items.forEach(function (item) {
        var option = document.createElement('option');
        option.value = item.zh.text;
        option.textContent = item.zh.title;
        select.appendChild(option);
      });
    });
  }
  $('canned').addEventListener('change', function (e) {
    if (e.target.value) $('reply').value = e.target.value;
  });

  var RANK = { agent: 0, supervisor: 1, admin: 2 };
  var panels = {};

  // Tabs: each panel loads when first shown; a tab for a higher role is not shown at all.
  function setupTabs(user) {
    Array.prototype.forEach.call(document.querySelectorAll('#tabs .tab'), function (tab) {
      var role = tab.dataset.role;
      tab.hidden = role ? RANK[user.role] < RANK[role] : false;
      tab.addEventListener('click', function () { showTab(tab.dataset.tab); });
    });
    $('tabs').hidden = false;
    $('held-title').textContent = RANK[user.role] >= RANK.supervisor ? '进行中的对话（全部）' : '我的对话';
    if (RANK[user.role] >= RANK.supervisor) {
      panels.dashboard = window.StaffPanels.dashboard(api, status);
      panels['audit-panel'] = window.StaffPanels.audit(api, status);
    }
    if (RANK[user.role] >= RANK.admin) {
      panels['users-panel'] = window.StaffPanels.users(api, status);
      panels['faq-admin'] = window.FaqEditor(api, status);
    }
    showTab('work');
  }

  function showTab(name) {
    Array.prototype.forEach.call(document.querySelectorAll('#tabs .tab'), function (tab) {
      var selected = tab.dataset.tab === name;
      tab.setAttribute('aria-selected', String(selected));
      if (!tab.hidden) $(tab.dataset.tab).hidden = !selected;
    });
    status('');
    if (panels[name]) panels[name].load();
  }

  function startWork(user) {
    loadCanned();
    $('login').hidden = true;
    $('logout').hidden = false;
    setupTabs(user);
    $('who').textContent = user ? user.name + '（' + user.role + '）' : '';
    if (window.Notification && Notification.permission === 'default') Notification.requestPermission();
    var events = new EventSource('/console/api/events');
    // After a dropped connection the browser resumes with Last-Event-ID; a reload on reconnect also covers a
    // reconnect that reached another instance or a restarted one, whose event numbers are its own.
    var connected = false;
    events.onopen = function () {
      if (connected) { loadQueue(); if (current) openChat(current); }
      connected = true;
    };
    ['queue.changed', 'message', 'supervisor.alert'].forEach(function (type) {
      events.addEventListener(type, function (e) {
        loadQueue();
        var data = JSON.parse(e.data);
        if (type === 'supervisor.alert' && user && user.role !== 'agent') status('有对话等待超过时限：' + data.conversationId);
        if (current && data.conversationId === current) openChat(current);
      });
    });
    setInterval(function () {
      Array.prototype.forEach.call(document.querySelectorAll('td.wait'), function (td) { td.textContent = minutes(Number(td.dataset.since)); });
    }, 1000);
    return loadQueue();
  }

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var form = e.target;
    api('POST', '/session', { username: form.username.value, password: form.password.value })
      .then(function (data) { csrf = data.csrfToken; status(''); return startWork(data.user); })
      .catch(function (err) { status(err.message); });
  });

  $('logout').addEventListener('click', function () {
    api('DELETE', '/session').then(function () { location.reload(); });
  });

  // The first run: no account yet. With the setup link's token (after '#') she creates the first admin here;
  // without it the page says how the first account is made.
  var setupToken = (location.hash.match(/setup=([A-Za-z0-9_-]+)/) || [])[1];
  $('setup-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target.elements;
    if (f.password.value !== f.again.value) return status('两次输入的密码不一样');
    api('POST', '/setup', { token: setupToken, name: f.name.value, displayName: f.displayName.value, password: f.password.value })
      .then(function (u) {
        history.replaceState(null, '', location.pathname);
        $('setup').hidden = true;
        $('login').hidden = false;
        $('login-form').elements.username.value = u.name;
        status('');
        $('no-account').hidden = false;
        $('no-account').textContent = '管理员账号 ' + u.name + ' 已创建，请登录。其他工作人员由管理员在“用户”页添加。';
      }, function (err) { status(err.message); });
  });

  // A reload keeps the cookie but not the CSRF token: log in again to write.
  api('GET', '/setup').then(function (s) {
    if (s.needed && setupToken && s.method === 'link') { $('setup').hidden = false; return; }
    $('login').hidden = false;
    if (!s.needed) return;
    $('no-account').hidden = false;
    $('no-account').textContent = s.method === 'link'
      ? '还没有任何账号。请打开服务启动时输出的一次性设置链接来创建第一个管理员；没有默认账号和默认密码。'
      : '还没有任何账号。请在服务器上创建第一个管理员（密码从标准输入读取，至少 12 个字符）：npm run cli -- user add 名字 --role admin';
  }, function () { $('login').hidden = false; });
})();
