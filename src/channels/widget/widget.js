// The chat widget: official Web Chat over this service's own Direct Line. Nothing of the chat is kept on the
// device: no storage at all, so a reload starts a new chat (the old one stays with the hotline's staff).
(function () {
  'use strict';
  var root = document.documentElement;
  var neutralUrl = root.dataset.exitUrl || 'https://www.weather.com.cn/';
  var TEXT = {
    'zh-CN': {
      exit: '快速离开', police: '报警', ambulance: '急救', sms: '短信，加区号后3位', hotline: '妇联热线', other: 'English',
      numbers: '紧急求助电话', chat: '对话', staff: '工作人员（真人）', bot: '机',
      privacy: '工作人员为了帮你可以看到这段对话。本页不在手机里保存聊天内容，但浏览器的历史记录会显示你来过这个页面，建议用无痕（隐私）窗口。按两次 Esc 或点“快速离开”立即离开。',
      failed: '暂时连接不上。有危险请立即拨打 110（受伤拨 120），不方便说话可发短信到 12110 加区号后三位（如北京 12110010），或拨打妇联维权热线 12338。',
      expired: '这个对话已经断开，刷新页面可以开始新的对话。有危险请立即拨打 110（受伤拨 120）。'
    },
    'en-US': {
      exit: 'Quick exit', police: 'Police', ambulance: 'Ambulance', sms: 'SMS + last 3 digits of area code', hotline: 'Hotline', other: '中文',
      numbers: 'Emergency numbers', chat: 'Chat', staff: 'staff member (a person)', bot: 'Bot',
      privacy: 'Staff can read this chat in order to help you. This page keeps no chat on your phone, but the browser history shows that you visited it: a private (incognito) window is safer. Press Esc twice or tap Quick exit to leave at once.',
      failed: 'Cannot connect right now. In danger, call 110 now (120 if someone is hurt), text 12110 plus the last three digits of the area code if you cannot speak (Beijing 12110010), or call the hotline 12338.',
      expired: 'This chat has been disconnected; reload the page to start a new one. In danger, call 110 now (120 if someone is hurt).'
    }
  };

  function quickExit(event) {
    if (event) event.preventDefault();
    // Hide at once, then leave; replace(), not assign(): Back must not return to the chat.
    document.getElementById('cover').hidden = false;
    document.title = ' ';
    location.replace(neutralUrl);
  }
  document.getElementById('quick-exit').addEventListener('click', quickExit);
  var lastEscape = 0;
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    var now = Date.now();
    if (now - lastEscape < 1500) quickExit();
    lastEscape = now;
  }, true);

  var locale = 'zh-CN';
  var session;
  var directLine;

  function applyText() {
    var t = TEXT[locale];
    root.lang = locale;
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) { el.textContent = t[el.getAttribute('data-i18n')]; });
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n-aria]'), function (el) { el.setAttribute('aria-label', t[el.getAttribute('data-i18n-aria')]); });
    var lang = document.getElementById('lang');
    lang.textContent = t.other;
    lang.lang = locale === 'zh-CN' ? 'en' : 'zh-CN';
  }

  function showAlert(text) {
    var alert = document.getElementById('alert');
    alert.textContent = text;
    alert.hidden = false;
  }

  // Web Chat renders React elements; its bundle keeps React to itself, so the few elements this page adds are
  // written as React 16 element objects directly.
  function h(type, props, children) {
    var all = Object.assign({}, props || {});
    if (children !== undefined) all.children = children;
    return { $$typeof: Symbol.for('react.element'), type: type, key: (props && props.key) || null, ref: null, props: all, _owner: null };
  }

  function agentOf(activity) {
    return activity && activity.channelData && activity.channelData.kind === 'agent' ? (activity.from && activity.from.name) || TEXT[locale].staff : undefined;
  }

  // A person is visibly a person: her name above her messages and her own avatar; the bot has its own.
  var activityMiddleware = function () {
    return function (next) {
      return function (card) {
        var name = agentOf(card.activity);
        var render = next(card);
        if (!name || !render) return render;
        return function () {
          var inner = render.apply(null, arguments);
          return h('div', { key: card.activity.id, className: 'agent-activity' }, [
            h('p', { key: 'n', className: 'agent-name' }, name + ' · ' + TEXT[locale].staff),
            h('div', { key: 'a' }, inner)
          ]);
        };
      };
    };
  };
  var avatarMiddleware = function () {
    return function (next) {
      return function (args) {
        if (args.fromUser) return next(args);
        var name = agentOf(args.activity);
        return function () {
          return name
            ? h('div', { className: 'avatar avatar--agent', 'aria-hidden': 'true' }, Array.from(name)[0])
            : h('div', { className: 'avatar avatar--bot', 'aria-hidden': 'true' }, TEXT[locale].bot);
        };
      };
    };
  };

  // Messages are grouped by who wrote them (the bot, or each staff member), so that each group has its own avatar.
  var groupActivitiesMiddleware = function () {
    return function (next) {
      return function (args) {
        var result = next(args);
        var groups = [];
        args.activities.forEach(function (activity) {
          var key = ((activity.from && activity.from.role) || '') + ':' + (agentOf(activity) || '');
          var last = groups[groups.length - 1];
          if (last && last.key === key) last.activities.push(activity);
          else groups.push({ key: key, activities: [activity] });
        });
        return Object.assign({}, result, { sender: groups.map(function (g) { return g.activities; }) });
      };
    };
  };

  function startConversation() {
    return fetch('/v3/directline/conversations?locale=' + encodeURIComponent(locale), { method: 'POST', cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status);
        return res.json();
      })
      .then(function (s) {
        session = { token: s.token, conversationId: s.conversationId, userID: 'u-' + Math.random().toString(36).slice(2) };
        return session;
      });
  }

  /**
   * Sending goes through this page, not Direct Line's own client: when the service cannot take a message it answers
   * with the emergency text written for it, which is shown here at once.
   */
  function post(activity) {
    return {
      subscribe: function (observer) {
        var closed = false;
        var token = (directLine && directLine.token) || session.token;
        fetch('/v3/directline/conversations/' + encodeURIComponent(session.conversationId) + '/activities', {
          method: 'POST',
          cache: 'no-store',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token },
          body: JSON.stringify(activity)
        }).then(function (res) {
          return res.json().catch(function () { return {}; }).then(function (body) {
            if (closed) return;
            if (res.ok) {
              observer.next(body.id);
              observer.complete();
              return;
            }
            // Never a silent failure: the emergency text written for her message, the service's own words for a full
            // chat, a chat whose token ran out (a phone asleep for long), or the numbers.
            if (body.emergency && body.emergency.text) showAlert(body.emergency.text);
            else if (body.error && body.error.message && res.status === 409) showAlert(body.error.message);
            else if (res.status === 401 || res.status === 403) showAlert(TEXT[locale].expired);
            else showAlert(TEXT[locale].failed);
            observer.error(new Error('send failed: ' + res.status));
          });
        }, function () {
          if (closed) return;
          showAlert(TEXT[locale].failed);
          observer.error(new Error('send failed'));
        });
        return { unsubscribe: function () { closed = true; } };
      }
    };
  }

  function render() {
    applyText();
    if (!directLine) {
      directLine = window.WebChat.createDirectLine({
        token: session.token,
        conversationId: session.conversationId,
        domain: location.origin + '/v3/directline',
        webSocket: false,
        pollingInterval: 1000
      });
      directLine.postActivity = post;
    }
    window.WebChat.renderWebChat({
      directLine: directLine,
      userID: session.userID,
      locale: locale,
      sendTypingIndicator: true,
      activityMiddleware: activityMiddleware,
      avatarMiddleware: avatarMiddleware,
      groupActivitiesMiddleware: groupActivitiesMiddleware,
      styleOptions: {
        hideUploadButton: true,
        botAvatarInitials: TEXT[locale].bot,
        suggestedActionLayout: 'flow',
        bubbleMaxWidth: 600,
        primaryFont: '"WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", sans-serif'
      }
    }, document.getElementById('webchat'));
  }

  document.getElementById('lang').addEventListener('click', function () {
    locale = locale === 'zh-CN' ? 'en-US' : 'zh-CN';
    render();
    // The bot greets her again in her language, with the topic buttons in it.
    if (session) post({ type: 'event', name: 'setLocale', value: locale, locale: locale, from: { id: session.userID } }).subscribe({ next: function () {}, error: function () {}, complete: function () {} });
  });

  startConversation().then(render, function () {
    applyText();
    showAlert(TEXT[locale].failed);
  });
})();
