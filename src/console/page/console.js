// The console's shell: who is logged in (kept across a reload by the session cookie), login with an optional
// two-factor code, the first-run setup link, the tabs, the live events, and supervisor alerts.
(function () {
  'use strict';
  var HL = window.HL;
  var $ = HL.$;
  var el = HL.el;
  var W = HL.work;

  var events = null;
  var reconnectTimer = null;
  var panels = {};
  var factories = {
    'history-panel': HL.panels.history,
    'callbacks-panel': HL.panels.callbacks,
    'referrals-panel': HL.panels.referrals,
    'canned-panel': HL.panels.canned,
    dashboard: HL.panels.dashboard,
    'audit-panel': HL.panels.audit,
    'users-panel': HL.panels.users,
    'faq-admin': function () { return window.FaqEditor(HL.api, function (text) { HL.status(text, /^已/.test(text || '') ? 'ok' : 'error'); }); },
  };
  var shownTab = 'work';
  var previousUser = null;
  var started = false;

  function show(section) {
    ['login', 'setup', 'twofa', 'reset'].forEach(function (id) { $(id).hidden = id !== section; });
  }

  // --- tabs ---

  function tabs() { return Array.prototype.slice.call(document.querySelectorAll('#tabs .tab')); }

  HL.showTab = function (name) {
    var tab = tabs().filter(function (t) { return t.dataset.tab === name && !t.hidden; })[0];
    if (!tab) return;
    shownTab = name;
    tabs().forEach(function (t) {
      var selected = t.dataset.tab === name;
      if (selected) t.setAttribute('aria-current', 'page'); else t.removeAttribute('aria-current');
      $(t.dataset.tab).hidden = !selected;
    });
    if (name !== 'work') {
      panels[name] = panels[name] || factories[name]();
      var loading = panels[name].load();
      if (loading && loading.catch) loading.catch(function () {});
    }
  };

  function setupTabs(user) {
    tabs().forEach(function (t) {
      var role = t.dataset.role;
      t.hidden = role ? HL.RANK[user.role] < HL.RANK[role] : false;
    });
    $('tabs').hidden = false;
    $('held-title').textContent = HL.RANK[user.role] >= HL.RANK.supervisor ? '进行中的对话（全部）' : '我的对话';
  }

  tabs().forEach(function (t) { t.addEventListener('click', function () { HL.showTab(t.dataset.tab); }); });

  // --- live events ---

  function connection(text) {
    var node = $('connection');
    node.hidden = !text;
    node.textContent = text || '';
  }
  HL.connection = connection;

  function startEvents() {
    stopEvents();
    var source = new EventSource('/console/api/events');
    events = source;
    var opened = false;
    source.onopen = function () {
      connection('');
      // After a dropped connection the browser resumes with Last-Event-ID; reading again also covers a reconnect
      // that reached another instance or a restarted one, whose event numbers are its own.
      if (opened) { W.refreshLists(); W.follow(); refreshCallbacks(); }
      opened = true;
    };
    source.onerror = function () {
      if (events !== source) return;
      connection('连接中断，正在重连…');
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream: the session may be over (the API answers 401 and the login shows).
        HL.api('GET', '/session').then(function () {
          clearTimeout(reconnectTimer);
          reconnectTimer = setTimeout(function () { if (HL.user) startEvents(); }, 3000);
        }, function () {});
      }
    };
    var on = function (type, handler) {
      source.addEventListener(type, function (e) {
        var data = {};
        try { data = JSON.parse(e.data || '{}'); } catch (err) { data = {}; }
        handler(data);
      });
    };
    on('message', W.onMessage);
    on('typing', W.onTyping);
    on('queue.changed', W.onChanged);
    on('conversation.changed', W.onChanged);
    on('callback.changed', function (d) { W.onChanged(d); refreshCallbacks(); });
    on('supervisor.alert', supervisorAlert);
    on('account.changed', function (d) {
      // A disabled colleague, a role change or a password reset ends her sessions: find out at once.
      if (HL.user && d.user === HL.user.name) HL.api('GET', '/session').then(function (s) { if (s.user.role !== HL.user.role) location.reload(); }, function () {});
    });
    on('session.ended', function () { loggedOut('你的登录已结束（可能已退出、被停用或修改了密码）。请重新登录。'); });
  }

  function stopEvents() {
    clearTimeout(reconnectTimer);
    if (events) { events.close(); events = null; }
  }

  function refreshCallbacks() {
    if (shownTab === 'callbacks-panel' && panels['callbacks-panel']) panels['callbacks-panel'].load();
    else HL.api('GET', '/callbacks').then(function (d) {
      HL.panels.setCallbackCount(d.items.filter(function (i) { return i.overdue; }).length);
    }, function () {});
  }

  // --- supervisor alerts ---

  function supervisorAlert(d) {
    if (!HL.user || HL.RANK[HL.user.role] < HL.RANK.supervisor) return;
    var key = d.reason + ':' + d.conversationId;
    if (document.querySelector('.banner[data-key="' + key + '"]')) return;
    var text = d.reason === 'callback_due'
      ? '回访已到期：一位求助人约定的回访时间（' + HL.dateTime(d.since) + '）已过，还没有完成。'
      : '排队超时：一位求助人从 ' + HL.clockTime(d.since) + ' 起等待，已超过时限，请安排人接手。';
    var banner = el('div', { className: 'banner ' + (d.reason === 'callback_due' ? 'banner-callback' : 'banner-timeout'), data: { key: key }, attrs: { role: 'alert' } }, [
      el('strong', { text: d.reason === 'callback_due' ? '回访到期' : '排队超时' }),
      el('span', { text: text }),
    ]);
    banner.appendChild(el('button', { type: 'button', text: d.reason === 'callback_due' ? '去回访' : '打开对话', on: { click: function () {
      banner.remove();
      if (d.reason === 'callback_due') HL.showTab('callbacks-panel'); else W.open(d.conversationId, { from: 'key' });
    } } }));
    banner.appendChild(el('button', { type: 'button', className: 'quiet', text: '知道了', on: { click: function () { banner.remove(); } } }));
    $('alerts').appendChild(banner);
  }

  // --- logged in, logged out ---

  function hashChat() {
    var m = location.hash.match(/chat=([^&]+)/);
    return m ? decodeURIComponent(m[1]) : null;
  }

  function startWork(user, csrf) {
    if (previousUser && previousUser !== user.name) { location.reload(); return Promise.resolve(); }
    previousUser = user.name;
    HL.user = user;
    HL.csrf = csrf;
    show(null);
    $('work').hidden = false;
    $('work').dataset.active = 'true';
    $('logout').hidden = false;
    $('twofa-open').hidden = false;
    $('who').textContent = (user.displayName || user.name) + ' · ' + (HL.ROLE[user.role] || user.role);
    setupTabs(user);
    HL.showTab(tabs().some(function (t) { return t.dataset.tab === shownTab && !t.hidden; }) ? shownTab : 'work');
    if (window.Notification && Notification.permission === 'default') {
      try { Notification.requestPermission(); } catch (e) { /* not supported */ }
    }
    startEvents();
    var base = started ? Promise.resolve() : HL.api('GET', '/topics').then(function (t) {
      t.items.forEach(function (i) { HL.topics[i.id] = i.zh; });
      HL.fillReferralKinds();
    });
    started = true;
    // In turn with the keys, so an "n" pressed while the lists load waits for them.
    return W.inTurn(function () {
      return base.then(function () {
        HL.loadCanned().catch(function () {});
        HL.loadDirectory().catch(function () {});
        refreshCallbacks();
        return W.loadLists();
      }).then(function () {
        var id = hashChat();
        if (id) return W.open(id, { from: 'hash' });
      }).catch(function (err) { if (err.status !== 401) HL.fail(err); });
    });
  }

  /** The session is over (401, session.ended): the login shows; the hash keeps the chat for after the login. */
  function loggedOut(reason) {
    if (!HL.user && !$('login').hidden) return;
    stopEvents();
    HL.user = null;
    HL.csrf = null;
    $('work').dataset.active = 'false';
    $('tabs').hidden = true;
    $('logout').hidden = true;
    $('twofa-open').hidden = true;
    $('who').textContent = '';
    connection('');
    HL.clear($('alerts'));
    tabs().forEach(function (t) { $(t.dataset.tab).hidden = true; });
    W.reset();
    $('otp-row').hidden = true;
    $('login-otp').value = '';
    $('login-form').elements.password.value = '';
    var note = $('login-reason');
    note.hidden = !reason;
    note.textContent = reason || '';
    show('login');
    $('login-form').elements[$('login-form').elements.username.value ? 'password' : 'username'].focus();
  }
  HL.onUnauthorized = function () { loggedOut('登录已失效，请重新登录。'); };

  // --- login, with a code when two-factor is on ---

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target.elements;
    if (!f.username.value || !f.password.value) { HL.status('请填写用户名和密码。', 'error'); (f.username.value ? f.password : f.username).focus(); return; }
    var body = { username: f.username.value, password: f.password.value };
    if (!$('otp-row').hidden) {
      if (!/^\d{6}$/.test(f.otp.value.trim())) { HL.status('请输入验证器应用中的 6 位数字。', 'error'); f.otp.focus(); return; }
      body.otp = f.otp.value.trim();
    }
    HL.api('POST', '/session', body, { login: true }).then(function (data) {
      HL.status('');
      $('login-reason').hidden = true;
      $('otp-row').hidden = true;
      f.otp.value = '';
      f.password.value = '';
      if (data.setupTwoFactor) return twoFactorSetup(data, true);
      return startWork(data.user, data.csrfToken);
    }, function (err) {
      if (err.status === 401 && err.data && err.data.twoFactor === 'code') {
        $('otp-row').hidden = false;
        HL.status('请输入手机验证器应用中的 6 位数字。');
        f.otp.focus();
        return;
      }
      if (err.status === 401) {
        HL.status(body.otp ? '用户名、密码或验证码不对。' : '用户名或密码不对。', 'error');
        if (body.otp) { f.otp.value = ''; f.otp.focus(); }
        return;
      }
      HL.fail(err, '登录失败');
    });
  });

  $('logout').addEventListener('click', function () {
    HL.api('DELETE', '/session').then(function () {}, function () {}).then(function () {
      try {
        Object.keys(sessionStorage).forEach(function (k) { if (k.indexOf('hl.') === 0) sessionStorage.removeItem(k); });
      } catch (e) { /* ignore */ }
      history.replaceState(null, '', location.pathname);
      location.reload();
    });
  });

  // --- two-factor set-up ---

  var setupSession = null;
  function twoFactorSetup(session, required) {
    setupSession = session;
    HL.user = session.user;
    HL.csrf = session.csrfToken;
    $('work').hidden = true;
    $('work').dataset.active = 'false';
    tabs().forEach(function (t) { $(t.dataset.tab).hidden = true; });
    $('tabs').hidden = true;
    $('twofa-required').hidden = !required;
    $('twofa-cancel').hidden = required;
    $('twofa-secret-box').hidden = true;
    $('twofa-secret').textContent = '';
    $('twofa-code').value = '';
    $('logout').hidden = false;
    show('twofa');
    $('twofa-start').focus();
  }
  HL.onTwoFactorSetup = function () {
    if (!$('twofa').hidden) return;
    HL.api('GET', '/session').then(function (s) { twoFactorSetup(s, true); }, function () {});
  };

  $('twofa-open').addEventListener('click', function () {
    HL.api('GET', '/session').then(function (s) { twoFactorSetup(s, false); }, function () {});
  });

  $('twofa-start').addEventListener('click', function () {
    HL.api('POST', '/me/2fa', {}).then(function (r) {
      // Groups of four, as authenticator apps show them.
      $('twofa-secret').textContent = r.secret.replace(/(.{4})/g, '$1 ').trim();
      $('twofa-label').textContent = setupSession ? setupSession.user.name : '';
      $('twofa-secret-box').hidden = false;
      $('twofa-code').focus();
    }, function (err) { HL.fail(err, '无法开始设置'); });
  });

  $('twofa-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var code = $('twofa-code').value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) { HL.status('请输入 6 位数字。', 'error'); $('twofa-code').focus(); return; }
    HL.api('POST', '/me/2fa/confirm', { code: code }).then(function () {
      HL.status('两步验证已启用。以后登录时需要输入验证器应用中的数字。', 'ok');
      return HL.api('GET', '/session').then(function (s) { return startWork(s.user, s.csrfToken); });
    }, function (err) {
      if (err.status === 400) { HL.status('数字不对：请输入应用当前显示的 6 位数字。', 'error'); $('twofa-code').select(); return; }
      if (err.status === 409) { HL.status('设置已过期，请按“显示密钥”重新开始。', 'error'); $('twofa-secret-box').hidden = true; return; }
      HL.fail(err, '设置失败');
    });
  });

  $('twofa-cancel').addEventListener('click', function () {
    HL.api('GET', '/session').then(function (s) { startWork(s.user, s.csrfToken); }, function () {});
  });

  // --- the first run ---

  var setupToken = (location.hash.match(/setup=([A-Za-z0-9_-]+)/) || [])[1];
  $('setup-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target.elements;
    if (f.password.value !== f.again.value) { HL.status('两次输入的密码不一样。', 'error'); f.again.focus(); return; }
    HL.api('POST', '/setup', { token: setupToken, name: f.name.value, displayName: f.displayName.value, password: f.password.value }, { login: true })
      .then(function (u) {
        history.replaceState(null, '', location.pathname);
        show('login');
        $('login-form').elements.username.value = u.name;
        HL.status('');
        $('no-account').hidden = false;
        $('no-account').textContent = '管理员账号 ' + u.name + ' 已创建，请登录。其他工作人员由管理员在“用户”页添加。';
        $('login-form').elements.password.focus();
      }, function (err) { HL.fail(err, '创建失败'); });
  });

  // --- a password reset link from an admin (#reset=<token>) ---

  var resetToken = (location.hash.match(/reset=([A-Za-z0-9_-]+)/) || [])[1];
  $('reset-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target.elements;
    if (f.password.value !== f.again.value) { HL.status('两次输入的密码不一样。', 'error'); f.again.focus(); return; }
    HL.api('POST', '/reset', { token: resetToken, password: f.password.value }, { login: true }).then(function (r) {
      history.replaceState(null, '', location.pathname);
      resetToken = null;
      f.password.value = '';
      f.again.value = '';
      show('login');
      $('login-form').elements.username.value = r.name;
      HL.status('新密码已保存，请用新密码登录。', 'ok');
      $('login-form').elements.password.focus();
    }, function (err) {
      if (err.status === 403) HL.status('这个链接已经用过或已过期。请让管理员重新生成一个。', 'error');
      else HL.fail(err, '保存失败');
    });
  });

  // --- start: a valid session cookie comes straight back to work (and to the chat in the hash) ---

  function boot() {
    if (resetToken) { show('reset'); $('reset-password').focus(); return; }
    HL.api('GET', '/session', undefined, { login: true }).then(function (s) {
      if (s.setupTwoFactor) return twoFactorSetup(s, true);
      return startWork(s.user, s.csrfToken);
    }, function () {
      return HL.api('GET', '/setup', undefined, { login: true }).then(function (s) {
        if (s.needed && setupToken && s.method === 'link') { show('setup'); $('setup-form').elements.name.focus(); return; }
        show('login');
        if (!s.needed) return;
        $('no-account').hidden = false;
        $('no-account').textContent = s.method === 'link'
          ? '还没有任何账号。请打开服务启动时输出的一次性设置链接来创建第一个管理员；没有默认账号和默认密码。'
          : '还没有任何账号。请在服务器上创建第一个管理员（密码从标准输入读取，至少 12 个字符）：npm run cli -- user add 名字 --role admin';
      }, function () { show('login'); });
    });
  }
  boot();
})();
