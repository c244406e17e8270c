// The chat widget: official Web Chat over this service's own Direct Line. Nothing of the chat is kept on
// the device beyond this tab (sessionStorage, so that a reload shows the whole chat); the quick exit wipes it.
(function () {
  'use strict';
  var KEY = 'chat';
  var config = document.documentElement.dataset;
  var neutralUrl = config.exitUrl || 'https://www.weather.com.cn/';
  var TEXT = {
    'zh-CN': {
      exit: '快速离开', police: '报警', ambulance: '急救', hotline: '妇联热线', other: 'English',
      privacy: '对话保密，只有热线工作人员能看到；关闭页面后不会在本机留下记录。按两次 Esc 或点“快速离开”立即离开。',
      failed: '暂时连接不上。有危险请立即拨打 110（受伤拨 120），或拨打妇联维权热线 12338。'
    },
    'en-US': {
      exit: 'Quick exit', police: 'Police', ambulance: 'Ambulance', hotline: 'Hotline', other: '中文',
      privacy: 'Private: only hotline staff can read this chat; nothing stays on this device after you close the page. Press Esc twice or tap Quick exit to leave at once.',
      failed: 'Cannot connect right now. In danger, call 110 now (120 for an ambulance), or the hotline 12338.'
    }
  };

  function quickExit() {
    try { sessionStorage.clear(); } catch (e) { /* storage may be disabled */ }
    try { localStorage.clear(); } catch (e) { /* never used, cleared to be sure */ }
    // replace(), not assign(): Back must not return to the chat.
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

  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (e) { return null; }
  }
  function save(state) {
    try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode: no reload recovery */ }
  }

  var state = load();
  var locale = (state && state.locale) || 'zh-CN';
  var directLine;

  function applyText() {
    var t = TEXT[locale];
    document.documentElement.lang = locale;
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (el) {
      el.textContent = t[el.getAttribute('data-i18n')];
    });
    document.getElementById('lang').textContent = t.other;
  }

  function startConversation() {
    return fetch('/v3/directline/conversations?locale=' + encodeURIComponent(locale), { method: 'POST' })
      .then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status);
        return res.json();
      })
      .then(function (session) {
        state = { token: session.token, conversationId: session.conversationId, userID: 'u-' + Math.random().toString(36).slice(2), locale: locale };
        save(state);
        return state;
      });
  }

  function render() {
    applyText();
    if (!directLine) {
      directLine = window.WebChat.createDirectLine({
        token: state.token,
        conversationId: state.conversationId,
        domain: location.origin + '/v3/directline',
        webSocket: false,
        pollingInterval: 1000
      });
      // Keep the refreshed token for a reload within this tab.
      setInterval(function () {
        if (directLine.token && directLine.token !== state.token) { state.token = directLine.token; save(state); }
      }, 10000);
    }
    window.WebChat.renderWebChat({
      directLine: directLine,
      userID: state.userID,
      locale: locale,
      styleOptions: {
        hideUploadButton: true,
        botAvatarInitials: '助',
        suggestedActionLayout: 'flow',
        bubbleMaxWidth: 600,
        primaryFont: '"WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", sans-serif'
      }
    }, document.getElementById('webchat'));
  }

  document.getElementById('lang').addEventListener('click', function () {
    locale = locale === 'zh-CN' ? 'en-US' : 'zh-CN';
    if (state) { state.locale = locale; save(state); }
    render();
  });

  (state ? Promise.resolve(state) : startConversation()).then(render, function () {
    applyText();
    var note = document.createElement('p');
    note.className = 'privacy';
    note.setAttribute('role', 'alert');
    note.textContent = TEXT[locale].failed;
    document.getElementById('webchat').appendChild(note);
  });
})();
