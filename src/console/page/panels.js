// Supervisor and admin panels: the dashboard, the audit log, staff accounts. Text goes in with textContent only.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };

  function rows(table, list) {
    var body = $(table).querySelector('tbody');
    body.textContent = '';
    list.forEach(function (cells) {
      var tr = document.createElement('tr');
      cells.forEach(function (text) { var td = document.createElement('td'); td.textContent = text; tr.appendChild(td); });
      body.appendChild(tr);
    });
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '—';
    var s = Math.round(ms / 1000);
    return Math.floor(s / 60) + ' 分 ' + (s % 60) + ' 秒';
  }

  var RISK = { none: '无', elevated: '较高', high: '高', imminent: '紧急' };
  var OUTCOME = {
    information_given: '已提供信息', referred_police: '转介公安', referred_court: '转介法院', referred_shelter: '转介庇护所',
    referred_legal_aid: '转介法律援助', referred_counselling: '转介心理咨询', referred_hospital: '转介医院',
    follow_up_agreed: '约定跟进', safe_callback_consented: '同意安全回访',
  };

  function dashboard(api, status) {
    var form = $('dashboard-form');
    function show(r) {
      form.elements.from.value = r.fromDate;
      form.elements.to.value = r.toDate;
      var cards = $('dashboard-cards');
      cards.textContent = '';
      [['对话', r.chats], ['新对话', r.started], ['转人工', r.handoffs], ['已接手', r.waits.claimed],
        ['等待 p50', duration(r.waits.p50Ms)], ['等待 p90', duration(r.waits.p90Ms)],
        ['当前排队', r.queue.length], ['最长等待（当前）', duration(r.queue.longestWaitMs)]].forEach(function (c) {
        var div = document.createElement('div');
        div.className = 'card';
        div.dataset.figure = c[0];
        var figure = document.createElement('span');
        figure.className = 'figure';
        figure.textContent = String(c[1]);
        div.appendChild(figure);
        div.appendChild(document.createTextNode(c[0]));
        cards.appendChild(div);
      });
      rows('dashboard-risk', Object.keys(RISK).map(function (k) { return [RISK[k], String(r.byRisk[k])]; }));
      rows('dashboard-topics', Object.keys(r.byTopic).map(function (k) { return [k, String(r.byTopic[k])]; }));
      rows('dashboard-outcomes', Object.keys(r.outcomes).map(function (k) { return [OUTCOME[k] || k, String(r.outcomes[k])]; }));
    }
    function load(query) {
      return api('GET', '/dashboard' + (query || '')).then(show, function (err) { status(err.message); });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      load('?from=' + encodeURIComponent(form.elements.from.value) + '&to=' + encodeURIComponent(form.elements.to.value));
    });
    return { load: function () { return load(''); } };
  }

  function audit(api, status) {
    return {
      load: function () {
        return api('GET', '/audit').then(function (data) {
          rows('audit', data.entries.map(function (e) { return [new Date(e.at).toLocaleString(), e.actor, e.action, e.conversationId || '', e.detail || '']; }));
        }, function (err) { status(err.message); });
      },
    };
  }

  function users(api, status) {
    var form = $('user-form');
    function load() {
      return api('GET', '/users').then(function (data) {
        rows('users', data.items.map(function (u) { return [u.name, u.displayName, u.role, new Date(u.createdAt).toLocaleDateString()]; }));
      }, function (err) { status(err.message); });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var f = form.elements;
      api('POST', '/users', { name: f.name.value, displayName: f.displayName.value, role: f.role.value, password: f.password.value })
        .then(function (u) { status('已添加 ' + u.name + '（' + u.role + '）'); form.reset(); return load(); }, function (err) { status(err.message); });
    });
    return { load: load };
  }

  window.StaffPanels = { dashboard: dashboard, audit: audit, users: users };
})();
