// The tabs besides the work view: history, callbacks, referrals, canned replies (everyone); the dashboard and the
// audit log (supervisors); staff accounts (admins). Text goes in with textContent only.
(function () {
  'use strict';
  var HL = window.HL;
  var $ = HL.$;
  var el = HL.el;
  var P = (HL.panels = {});

  function rows(table, list) {
    var body = HL.clear($(table).querySelector('tbody'));
    list.forEach(function (cells) {
      var tr = el('tr');
      cells.forEach(function (c) { tr.appendChild(el('td', {}, [typeof c === 'string' ? c : c])); });
      body.appendChild(tr);
    });
    return body;
  }

  function withAny(map, any) { return [['', any]].concat(Object.keys(map).map(function (k) { return [k, map[k]]; })); }

  // --- history ---

  P.history = function () {
    var form = $('history-form');
    var next = null;
    var lastQuery = '';
    HL.options($('h-risk'), withAny(HL.RISK, '全部'));
    HL.options($('h-outcome'), withAny(HL.OUTCOME, '全部'));
    HL.options($('h-state'), withAny(HL.STATE, '全部'));
    function topics() {
      var pairs = [['', '全部']];
      Object.keys(HL.topics).forEach(function (id) { pairs.push([id, HL.topics[id]]); });
      HL.options($('h-topic'), pairs, true);
    }
    function query() {
      var f = form.elements;
      var parts = [];
      ['from', 'to', 'risk', 'topic', 'outcome', 'state', 'q'].forEach(function (k) {
        var v = f[k].value.trim();
        if (v) parts.push(k + '=' + encodeURIComponent(v));
      });
      return parts.join('&');
    }
    function show(data, append) {
      var body = $('history').querySelector('tbody');
      if (!append) HL.clear(body);
      data.items.forEach(function (item) {
        var open = function () { HL.work.open(item.id, { from: 'history' }); };
        var tr = el('tr', { className: 'row', data: { id: item.id }, on: { click: open } }, [
          el('td', {}, [el('button', { type: 'button', className: 'link', text: HL.dateTime(item.startedAt), attrs: { 'aria-label': '查看 ' + HL.dateTime(item.startedAt) + ' 开始的对话' }, on: { click: function (e) { e.stopPropagation(); open(); } } })]),
          el('td', { text: HL.shortDateTime(item.lastAt) }),
          el('td', {}, [HL.riskBadge(item.risk)]),
          el('td', { text: HL.topicTitle(item.topic) }),
          el('td', { text: HL.STATE[item.state] || item.state }),
          el('td', { text: item.outcome ? HL.OUTCOME[item.outcome] || item.outcome : '—' }),
          el('td', { text: item.assignee || '—' }),
        ]);
        body.appendChild(tr);
      });
      next = data.next;
      $('history-more').hidden = !next;
      $('history-empty').hidden = body.children.length > 0;
    }
    function load(more) {
      var q = more ? lastQuery : query();
      lastQuery = q;
      var url = '/conversations?' + q + (more && next ? (q ? '&' : '') + 'cursor=' + encodeURIComponent(next) : '');
      return HL.api('GET', url).then(function (data) { show(data, more); }, function (err) { HL.fail(err, '查找失败'); });
    }
    form.addEventListener('submit', function (e) { e.preventDefault(); load(false); });
    $('history-more').addEventListener('click', function () { load(true); });
    var loaded = false;
    return { load: function () { topics(); if (!loaded) { loaded = true; return load(false); } } };
  };

  // --- callbacks ---

  P.callbacks = function () {
    function load() {
      return HL.api('GET', '/callbacks').then(function (data) {
        var body = HL.clear($('callbacks').querySelector('tbody'));
        var due = 0;
        data.items.forEach(function (item) {
          if (item.overdue) due++;
          var stateCell;
          if (item.state === 'done') stateCell = el('td', { text: '已完成' + (item.result ? '：' + (HL.CALLBACK_RESULT[item.result] || item.result) : '') });
          else stateCell = el('td', { text: item.doNotContact ? '她说不要联系她' : item.overdue ? '待回访（已逾期）' : '待回访' });
          var actions = el('div', { className: 'actions-cell' }, [
            el('button', { type: 'button', className: 'quiet', text: '查看对话', on: { click: function () { HL.work.open(item.id, { from: 'history' }); } } }),
          ]);
          if (item.state !== 'done') {
            var selectId = 'cb-result-' + item.id;
            var select = el('select', { id: selectId });
            HL.options(select, Object.keys(HL.CALLBACK_RESULT).map(function (k) { return [k, HL.CALLBACK_RESULT[k]]; }));
            if (item.doNotContact) select.value = 'cancelled';
            actions.appendChild(el('label', { className: 'vh', htmlFor: selectId, text: '回访结果' }));
            actions.appendChild(select);
            actions.appendChild(el('button', { type: 'button', className: 'primary done', text: '已完成', on: { click: function () {
              HL.api('POST', '/callbacks/' + encodeURIComponent(item.id) + '/done', { result: select.value }).then(function () {
                HL.status('回访已完成：' + HL.CALLBACK_RESULT[select.value], 'ok');
                return load();
              }, function (err) { HL.fail(err, '保存失败'); });
            } } }));
          }
          body.appendChild(el('tr', { className: 'row' + (item.overdue ? ' overdue' : '') + (item.state === 'done' ? ' done' : ''), data: { id: item.id } }, [
            el('td', {}, [el('span', { text: HL.dateTime(item.due) }), item.overdue ? el('span', { className: 'badge overdue-badge', text: '已逾期' }) : null]),
            el('td', { text: HL.CALLBACK_KIND[item.kind] || item.kind }),
            el('td', {}, [HL.riskBadge(item.risk), item.reasons && item.reasons.length ? el('span', { className: 'hint', text: ' ' + item.reasons.join('、') }) : null]),
            el('td', { text: HL.LOCALE[item.locale] || item.locale }),
            stateCell,
            el('td', {}, [actions]),
          ]));
        });
        $('callbacks-empty').hidden = data.items.length > 0;
        P.setCallbackCount(due);
      }, function (err) { HL.fail(err, '读取回访失败'); });
    }
    return { load: load };
  };
  P.setCallbackCount = function (n) { $('callbacks-count').textContent = n ? '· ' + n + ' 逾期' : ''; };

  // --- referrals ---

  var directory = { items: [], version: 0, example: false, kinds: [] };
  HL.directory = function () { return directory.items; };
  HL.loadDirectory = function () {
    return HL.api('GET', '/referrals').then(function (data) { directory = data; return data; });
  };

  /** One partner as a card; with a chat she holds open, a button sends it to her. */
  function referralCard(r) {
    var c = HL.work.can();
    var li = el('li', { className: 'card-item', data: { id: r.id } }, [
      el('div', { className: 'card-head' }, [el('strong', { text: r.name.zh }), el('span', { className: 'badge quiet', text: HL.REFERRAL_KIND[r.kind] || r.kind }), el('span', { className: 'hint', text: r.district })]),
      el('div', { className: 'hint', lang: 'en', text: r.name.en }),
      el('div', { text: '电话 ' + r.phone + ' · ' + r.hours }),
      r.notes && r.notes.zh ? el('div', { className: 'hint', text: r.notes.zh }) : null,
    ]);
    if (c.referral) {
      li.appendChild(el('button', { type: 'button', className: 'send-referral', on: { click: function () { HL.work.sendReferral(r); } } }, ['发给她', el('span', { className: 'vh', text: '：' + r.name.zh })]));
    }
    return li;
  }

  function searchReferrals(kind, district) {
    var q = [];
    if (kind) q.push('kind=' + encodeURIComponent(kind));
    if (district) q.push('district=' + encodeURIComponent(district));
    return HL.api('GET', '/referrals' + (q.length ? '?' + q.join('&') : ''));
  }

  HL.fillReferralKinds = function () {
    [$('r-kind'), $('case-referral-kind')].forEach(function (s) { HL.options(s, withAny(HL.REFERRAL_KIND, '全部类型'), true); });
  };

  // The finder in the case pane: the same directory, without leaving the chat.
  $('case-referral-form').addEventListener('submit', function (e) {
    e.preventDefault();
    searchReferrals($('case-referral-kind').value, $('case-referral-district').value.trim()).then(function (data) {
      var list = HL.clear($('case-referral-list'));
      data.items.forEach(function (r) { list.appendChild(referralCard(r)); });
      if (!data.items.length) list.appendChild(el('li', { className: 'empty', text: '没有找到。' }));
    }, function (err) { HL.fail(err, '查找转介失败'); });
  });
  $('case-referrals').addEventListener('toggle', function () {
    if ($('case-referrals').open && !$('case-referral-list').children.length) $('case-referral-form').requestSubmit();
  });

  var REFERRAL_FIELDS = [
    ['id', '编号（小写字母、数字、-）'], ['kind', '类型'], ['district', '区县'], ['name.zh', '名称（中文）'], ['name.en', '名称（英文）'],
    ['phone', '电话'], ['hours', '时间'], ['notes.zh', '说明（中文，可空）'], ['notes.en', '说明（英文，可空）'],
  ];
  var SNIPPET_FIELDS = [['id', '编号（小写字母、数字、-）'], ['title', '标题'], ['zh', '中文'], ['en', '英文']];

  function get(obj, path) { return path.split('.').reduce(function (o, k) { return o ? o[k] : undefined; }, obj); }

  /**
   * An editor of a versioned list as form rows: one fieldset per entry, no JSON. Saving sends {version, items};
   * a 400 marks the field it names, a 409 says that a colleague saved first.
   */
  function listEditor(opts) {
    var form = $(opts.prefix + '-editor');
    var rowsBox = $(opts.prefix + '-rows');
    var version = 0;
    var counter = 0;
    function addRow(item) {
      var n = counter++;
      var set = el('fieldset', { className: 'edit-row' }, [el('legend', { text: opts.legend(item) })]);
      opts.fields.forEach(function (f) {
        var id = opts.prefix + '-' + n + '-' + f[0].replace('.', '-');
        var value = item ? get(item, f[0]) : '';
        var input;
        if (f[0] === 'kind') {
          input = el('select', { id: id });
          HL.options(input, Object.keys(HL.REFERRAL_KIND).map(function (k) { return [k, HL.REFERRAL_KIND[k]]; }));
          if (value) input.value = value;
        } else if (opts.long && opts.long.indexOf(f[0]) >= 0) {
          input = el('textarea', { id: id, rows: 3, value: value || '' });
        } else input = el('input', { id: id, value: value || '', autocomplete: 'off' });
        input.dataset.key = f[0];
        set.appendChild(el('div', { className: 'field' }, [el('label', { htmlFor: id, text: f[1] }), input]));
      });
      set.appendChild(el('button', { type: 'button', className: 'quiet remove', text: '删除这一条', on: { click: function () { set.remove(); renumber(); } } }));
      rowsBox.appendChild(set);
      renumber();
      return set;
    }
    function renumber() {
      Array.prototype.forEach.call(rowsBox.children, function (set, i) {
        Array.prototype.forEach.call(set.querySelectorAll('[data-key]'), function (input) { input.dataset.field = 'items.' + i + '.' + input.dataset.key; });
      });
    }
    function collect() {
      return Array.prototype.map.call(rowsBox.children, function (set) {
        var item = {};
        Array.prototype.forEach.call(set.querySelectorAll('[data-key]'), function (input) {
          var v = input.value.trim();
          var path = input.dataset.key.split('.');
          if (path.length === 2) {
            if (!v && opts.optional && opts.optional.indexOf(path[0]) >= 0) return;
            item[path[0]] = item[path[0]] || {};
            item[path[0]][path[1]] = v;
          } else item[path[0]] = v;
        });
        return item;
      });
    }
    function fill(data) {
      version = data.version;
      HL.clear(rowsBox);
      data.items.forEach(addRow);
      $(opts.prefix + '-version').textContent = '版本 v' + version + (data.author ? ' · ' + data.author : '');
      $(opts.prefix + '-conflict').hidden = true;
      form.hidden = false;
    }
    $(opts.prefix + '-edit').addEventListener('click', function () { opts.fetch().then(fill, function (err) { HL.fail(err); }); });
    $(opts.prefix + '-add').addEventListener('click', function () { addRow(null).querySelector('input, select').focus(); });
    $(opts.prefix + '-cancel').addEventListener('click', function () { form.hidden = true; });
    $(opts.prefix + '-reload').addEventListener('click', function () { opts.fetch().then(function (d) { fill(d); HL.status('已载入 v' + d.version + '，请重新修改。'); }); });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      HL.markField(form, null);
      HL.api('PUT', opts.url, { version: version, items: collect() }).then(function (saved) {
        fill(saved);
        form.hidden = true;
        HL.status('已保存 v' + saved.version + '。', 'ok');
        opts.saved(saved);
      }, function (err) {
        if (err.status === 409) {
          $(opts.prefix + '-conflict-text').textContent = '保存失败：一位同事在你打开之后已经保存了新的版本。你的修改没有保存，也没有覆盖她的修改。请载入最新版本后再改。';
          $(opts.prefix + '-conflict').hidden = false;
          HL.status('有冲突：同事已保存了新版本。', 'error');
          return;
        }
        HL.fail(err, '保存失败');
        if (err.data && err.data.field) HL.markField(form, err.data.field);
      });
    });
  }

  P.referrals = function () {
    var form = $('referrals-form');
    function show(data) {
      var example = $('referrals-example');
      example.hidden = !data.example;
      example.textContent = data.example ? '示例数据：这些机构、区县和电话都是虚构的（555 号码），上线前请由管理员替换为核实过的合作机构。' : '';
      var c = HL.work.can();
      var chat = HL.work.current();
      $('referrals-target').textContent = c.referral ? '“发给她”会把机构用她的语言发到你打开的对话里。' : chat ? '要发给她，请先接手打开的对话。' : '打开并接手一个对话后，可以把机构直接发给她。';
      var list = HL.clear($('referral-list'));
      data.items.forEach(function (r) { list.appendChild(referralCard(r)); });
      if (!data.items.length) list.appendChild(el('li', { className: 'empty', text: '没有找到。' }));
    }
    function load() {
      var f = form.elements;
      return searchReferrals(f.kind.value, f.district.value.trim()).then(show, function (err) { HL.fail(err, '读取转介失败'); });
    }
    form.addEventListener('submit', function (e) { e.preventDefault(); load(); });
    if (HL.RANK[HL.user.role] >= HL.RANK.admin) {
      $('referrals-admin').hidden = false;
      if (!$('referrals-editor').dataset.ready) {
        $('referrals-editor').dataset.ready = '1';
        listEditor({
          prefix: 'referrals', url: '/referrals', fields: REFERRAL_FIELDS, optional: ['notes'], long: ['notes.zh', 'notes.en'],
          legend: function (item) { return item ? item.name.zh : '新机构'; },
          fetch: function () { return HL.loadDirectory(); },
          saved: function () { HL.loadDirectory(); load(); },
        });
      }
    }
    return { load: load };
  };

  // --- canned replies ---

  HL.canned = null;
  HL.loadCanned = function () {
    return HL.api('GET', '/canned').then(function (data) {
      HL.canned = { items: data.items, snippets: data.snippets, version: data.snippetsVersion, stamp: Date.now() };
      if (HL.work.current()) HL.work.fillCanned();
      return HL.canned;
    });
  };

  P.canned = function () {
    function show() {
      var c = HL.canned;
      var snippets = HL.clear($('snippet-list'));
      c.snippets.forEach(function (s) {
        snippets.appendChild(el('li', { className: 'card-item' }, [el('strong', { text: s.title }), el('p', { className: 'pre', text: s.zh }), el('p', { className: 'pre hint', lang: 'en', text: s.en })]));
      });
      $('snippets-empty').hidden = c.snippets.length > 0;
      var faq = HL.clear($('faq-answers'));
      c.items.forEach(function (f) {
        faq.appendChild(el('li', { className: 'card-item' }, [
          el('details', {}, [el('summary', {}, [el('strong', { text: f.zh.title }), el('span', { className: 'hint', lang: 'en', text: ' · ' + f.en.title })]), el('p', { className: 'pre', text: f.zh.text }), el('p', { className: 'pre hint', lang: 'en', text: f.en.text })]),
        ]));
      });
    }
    function load() { return HL.loadCanned().then(show, function (err) { HL.fail(err, '读取常用回复失败'); }); }
    if (HL.RANK[HL.user.role] >= HL.RANK.admin) {
      $('snippets-admin').hidden = false;
      if (!$('snippets-editor').dataset.ready) {
        $('snippets-editor').dataset.ready = '1';
        listEditor({
          prefix: 'snippets', url: '/snippets', fields: SNIPPET_FIELDS, long: ['zh', 'en'],
          legend: function (item) { return item ? item.title : '新常用语'; },
          fetch: function () { return HL.loadCanned().then(function (c) { return { version: c.version, items: c.snippets }; }); },
          saved: function () { load(); },
        });
      }
    }
    return { load: load };
  };

  // --- the dashboard (supervisors) ---

  P.dashboard = function () {
    var form = $('dashboard-form');
    function csv() {
      var f = form.elements;
      var q = [];
      if (f.from.value) q.push('from=' + encodeURIComponent(f.from.value));
      if (f.to.value) q.push('to=' + encodeURIComponent(f.to.value));
      $('dashboard-csv').href = '/console/api/dashboard.csv' + (q.length ? '?' + q.join('&') : '');
    }
    function show(r) {
      form.elements.from.value = r.fromDate;
      form.elements.to.value = r.toDate;
      csv();
      $('dashboard-period').textContent = r.fromDate + ' 至 ' + r.toDate + '（' + r.timeZone + ' 的日期）';
      var cards = HL.clear($('dashboard-cards'));
      [['对话', r.chats], ['新对话', r.started], ['转人工', r.handoffs], ['已接手', r.waits.claimed],
        ['等待 p50', HL.duration(r.waits.p50Ms)], ['等待 p90', HL.duration(r.waits.p90Ms)],
        ['回访请求', r.callbacks ? r.callbacks.requested : 0], ['回访完成', r.callbacks ? r.callbacks.done : 0],
        ['当前排队', r.queue.length], ['最长等待（当前）', HL.duration(r.queue.longestWaitMs)]].forEach(function (c) {
        cards.appendChild(el('div', { className: 'card', data: { figure: c[0] } }, [el('span', { className: 'figure', text: String(c[1]) }), el('span', { className: 'label', text: c[0] })]));
      });
      rows('dashboard-risk', HL.RISK_ORDER.map(function (k) { return [HL.riskBadge(k), String(r.byRisk[k] || 0)]; }));
      rows('dashboard-topics', Object.keys(r.byTopic).map(function (k) { return [HL.topicTitle(k), String(r.byTopic[k])]; }));
      rows('dashboard-outcomes', Object.keys(r.outcomes).map(function (k) { return [HL.OUTCOME[k] || k, String(r.outcomes[k])]; }));
      rows('dashboard-agents', (r.agents || []).map(function (a) { return [a.agent, String(a.claimed), String(a.resolved), HL.duration(a.medianHandlingMs)]; }));
      rows('dashboard-callbacks', [['请求', String(r.callbacks ? r.callbacks.requested : 0)], ['完成', String(r.callbacks ? r.callbacks.done : 0)]]);
      rows('dashboard-queue', HL.RISK_ORDER.map(function (k) { return [HL.riskBadge(k), String(r.queue.byRisk[k] || 0)]; }));
    }
    function load(query) {
      return HL.api('GET', '/dashboard' + (query || '')).then(show, function (err) { HL.fail(err, '读取统计失败'); });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      load('?from=' + encodeURIComponent(form.elements.from.value) + '&to=' + encodeURIComponent(form.elements.to.value));
    });
    form.addEventListener('change', csv);
    return { load: function () { return load(''); } };
  };

  // --- the audit log (supervisors) ---

  var ACTION = {
    login: '登录', login_failed: '登录失败', open_transcript: '打开对话', claim: '接手', reply: '回复', note: '备注', release: '放回队列',
    resolve: '结束对话', transfer: '转交', send_referral: '发送转介', callback_done: '回访完成', export_transcript: '导出/打印对话',
    referrals_save: '保存转介列表', snippets_save: '保存常用语', add_user: '添加账号', disable_user: '停用账号', enable_user: '启用账号',
    change_role: '修改角色', reset_link: '生成重置链接', password_reset: '重置密码', '2fa_enabled': '启用两步验证', faq_save: '保存 FAQ',
    faq_rollback: '回滚 FAQ', first_admin_created: '创建第一个管理员',
  };

  P.audit = function () {
    return {
      load: function () {
        return HL.api('GET', '/audit').then(function (data) {
          rows('audit', data.entries.map(function (e) {
            var detail = e.detail || '';
            if (e.action === 'resolve' || e.action === 'callback_done') detail = HL.OUTCOME[detail] || HL.CALLBACK_RESULT[detail] || detail;
            return [HL.dateTime(e.at), e.actor, ACTION[e.action] || e.action, e.conversationId ? e.conversationId.slice(0, 8) : '', detail];
          }));
        }, function (err) { HL.fail(err, '读取审计日志失败'); });
      },
    };
  };

  // --- staff accounts (admins) ---

  P.users = function () {
    var form = $('user-form');
    function change(u, method, suffix, body, done) {
      return HL.api(method, '/users/' + encodeURIComponent(u.name) + suffix, body).then(function (r) {
        if (done) HL.status(done, 'ok');
        load();
        return r;
      }, function (err) {
        HL.fail(err, '操作失败');
        load();
      });
    }
    function load() {
      return HL.api('GET', '/users').then(function (data) {
        var body = HL.clear($('users').querySelector('tbody'));
        data.items.forEach(function (u) {
          var self = HL.user && u.name === HL.user.name;
          var roleId = 'role-' + u.name;
          var role = el('select', { id: roleId, disabled: self });
          HL.options(role, Object.keys(HL.ROLE).map(function (k) { return [k, HL.ROLE[k]]; }));
          role.value = u.role;
          role.addEventListener('change', function () {
            change(u, 'PUT', '/role', { role: role.value }, u.displayName + ' 的角色改为' + HL.ROLE[role.value] + '。她需要重新登录。');
          });
          var actions = el('div', { className: 'actions-cell' });
          if (!self) {
            actions.appendChild(u.disabled
              ? el('button', { type: 'button', text: '启用', attrs: { 'aria-label': '启用 ' + u.displayName }, on: { click: function () { change(u, 'POST', '/enable', undefined, '已启用 ' + u.displayName + '。'); } } })
              : el('button', { type: 'button', className: 'danger', text: '停用', attrs: { 'aria-label': '停用 ' + u.displayName }, on: { click: function () { change(u, 'POST', '/disable', undefined, '已停用 ' + u.displayName + '，她已被登出。'); } } }));
          }
          actions.appendChild(el('button', { type: 'button', className: 'quiet', text: '重置密码链接', attrs: { 'aria-label': '为 ' + u.displayName + ' 生成重置密码链接' }, on: { click: function () {
            HL.api('POST', '/users/' + encodeURIComponent(u.name) + '/reset').then(function (r) {
              $('reset-text').textContent = '给 ' + u.displayName + '（' + u.name + '）的一次性重置链接，' + Math.round(r.expiresInSeconds / 3600) + ' 小时内有效，只能用一次。请用安全的方式交给她本人，不要发到群里。';
              $('reset-url').value = new URL(r.url, location.origin).href;
              $('reset-box').hidden = false;
              $('reset-url').focus();
              $('reset-url').select();
            }, function (err) { HL.fail(err, '生成链接失败'); });
          } } }));
          body.appendChild(el('tr', { className: u.disabled ? 'disabled' : '', data: { name: u.name } }, [
            el('td', { text: u.displayName }),
            el('td', { text: u.name }),
            el('td', {}, [el('label', { className: 'vh', htmlFor: roleId, text: u.displayName + ' 的角色' }), role]),
            el('td', { text: u.disabled ? '已停用' : '正常' }),
            el('td', { text: u.twoFactor ? '已启用' : '未启用' }),
            el('td', { text: new Date(u.createdAt).toLocaleDateString('zh-CN') }),
            el('td', {}, [actions]),
          ]));
        });
      }, function (err) { HL.fail(err, '读取账号失败'); });
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var f = form.elements;
      HL.api('POST', '/users', { name: f.name.value.trim(), displayName: f.displayName.value.trim(), role: f.role.value, password: f.password.value })
        .then(function (u) { HL.status('已添加 ' + u.displayName + '（' + u.name + '，' + HL.ROLE[u.role] + '）。', 'ok'); form.reset(); return load(); }, function (err) { HL.fail(err, '添加失败'); });
    });
    $('reset-done').addEventListener('click', function () { $('reset-box').hidden = true; $('reset-url').value = ''; });
    return { load: load };
  };
})();
