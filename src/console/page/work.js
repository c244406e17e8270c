// The work view: the queue and her own chats (left), the open conversation (middle), the case (right), and the
// keyboard. A chat is read with one audited GET when opened, then followed with ?after=<last seq>.
(function () {
  'use strict';
  var HL = window.HL;
  var $ = HL.$;
  var el = HL.el;
  var W = (HL.work = {});

  var queue = [];
  var held = [];
  /** The open chat: {id, readOnly, data (the record as the API gave it, merged), lastSeq, inflight, again}. */
  var current = null;
  /** A follow-up read of the open chat failed for want of a connection (shown in the header until one succeeds). */
  var followLost = false;
  var knownImminent = {};
  /** Per chat: the last message of hers that this staff member has seen, kept across a reload of the tab. */
  var seen = {};
  try { seen = JSON.parse(sessionStorage.getItem('hl.seen') || '{}') || {}; } catch (e) { seen = {}; }
  /** Per chat: the last message of hers that the events announced. */
  var latest = {};
  var typingTimer = null;
  var lastTypingPost = 0;
  var listTimer = null;

  function saveSeen() { try { sessionStorage.setItem('hl.seen', JSON.stringify(seen)); } catch (e) { /* private mode */ } }
  function me() { return HL.user ? HL.user.name : ''; }
  function supervisor() { return HL.user && HL.RANK[HL.user.role] >= HL.RANK.supervisor; }
  function unread(id) { return seen[id] === undefined || (latest[id] || 0) > seen[id]; }
  function lookedAt(id, seq) {
    if (seen[id] === undefined || seq > seen[id]) { seen[id] = seq; saveSeen(); }
  }

  // --- the lists on the left ---

  function waitSpan(since) {
    return el('span', { className: 'wait', data: { since: since }, text: '等待 ' + HL.elapsed(since) });
  }

  function badge(text, cls) { return el('span', { className: 'badge ' + (cls || ''), text: text }); }

  function renderList(list, items, build) {
    var active = document.activeElement;
    var existing = {};
    Array.prototype.forEach.call(list.children, function (li) { existing[li.dataset.id] = li; });
    var keep = {};
    items.forEach(function (item) {
      var li = existing[item.id] || el('li', { data: { id: item.id } });
      build(li, item);
      keep[item.id] = true;
      list.appendChild(li);
    });
    Object.keys(existing).forEach(function (id) { if (!keep[id]) list.removeChild(existing[id]); });
    if (active && active !== document.activeElement && active.isConnected) active.focus();
  }

  function itemButton(li, item, lines) {
    var button = li.querySelector('button.open');
    if (!button) {
      button = el('button', { type: 'button', className: 'open', on: { click: function () { W.open(li.dataset.id, { from: 'list' }); } } });
      li.appendChild(button);
    }
    HL.clear(button);
    lines.forEach(function (line) { button.appendChild(line); });
    var open = current && current.id === item.id;
    if (open) button.setAttribute('aria-current', 'true'); else button.removeAttribute('aria-current');
    li.className = 'item risk-' + item.risk + (open ? ' current' : '') + (unread(item.id) && !open ? ' unread' : '');
  }

  function renderQueue() {
    $('queue-count').textContent = queue.length ? String(queue.length) : '';
    $('queue-empty').hidden = queue.length > 0;
    renderList($('queue'), queue, function (li, item) {
      var reasons = item.reasons && item.reasons.length ? item.reasons.join('、') : '没有危险信号';
      itemButton(li, item, [
        el('span', { className: 'line' }, [HL.riskBadge(item.risk), el('span', { className: 'topic', text: HL.topicTitle(item.topic) }), waitSpan(item.waitingSince)]),
        el('span', { className: 'line reasons-line', text: reasons }),
        el('span', { className: 'line badges' }, [
          badge('第 ' + item.position + ' 位', 'quiet'),
          item.offline ? badge('无人在线时进入', 'offline') : null,
          unread(item.id) && !(current && current.id === item.id) ? badge('新消息', 'new') : null,
        ]),
      ]);
    });
  }

  function renderHeld() {
    $('held-empty').hidden = held.length > 0;
    renderList($('held'), held, function (li, item) {
      var who = item.assignee === me() ? '' : (item.assignee || '');
      itemButton(li, item, [
        el('span', { className: 'line' }, [HL.riskBadge(item.risk), el('span', { className: 'topic', text: HL.topicTitle(item.topic) }), el('span', { className: 'when', text: '最后 ' + HL.clockTime(item.lastAt) })]),
        item.reasons && item.reasons.length ? el('span', { className: 'line reasons-line', text: item.reasons.join('、') }) : null,
        el('span', { className: 'line badges' }, [
          who ? badge('接手：' + who, 'quiet') : null,
          unread(item.id) && !(current && current.id === item.id) ? badge('新消息', 'new') : null,
        ]),
      ].filter(Boolean));
    });
  }

  function ring(item) {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      [0, 0.5].forEach(function (at) {
        var osc = ctx.createOscillator();
        osc.connect(ctx.destination);
        osc.frequency.value = 880;
        osc.start(ctx.currentTime + at);
        osc.stop(ctx.currentTime + at + 0.3);
      });
    } catch (e) { /* no audio device */ }
    try {
      if (window.Notification && Notification.permission === 'granted') new Notification('紧急对话', { body: (item.reasons || []).join('、') || '有紧急对话在排队' });
    } catch (e) { /* notifications refused */ }
    HL.status('有紧急对话在排队：' + ((item.reasons || []).join('、') || HL.topicTitle(item.topic)), 'error');
  }

  function loadLists() {
    return Promise.all([HL.api('GET', '/queue'), HL.api('GET', '/conversations/held')]).then(function (r) {
      queue = r[0].items;
      held = r[1].items;
      queue.forEach(function (item) {
        if (item.risk === 'imminent' && !knownImminent[item.id]) { knownImminent[item.id] = true; ring(item); }
      });
      renderQueue();
      renderHeld();
    });
  }
  /** Many events come in bursts: the lists are read once per burst. */
  W.refreshLists = function () {
    clearTimeout(listTimer);
    listTimer = setTimeout(function () { loadLists().catch(function (err) { if (err.status !== 401) HL.fail(err, '读取排队失败'); }); }, 150);
  };
  W.loadLists = loadLists;

  // --- the open chat ---

  function whoWrote(m) {
    if (m.from === 'user') return '她';
    if (m.from === 'bot') return '自动助手';
    if (m.from === 'agent') return m.author || '工作人员';
    return '系统';
  }

  function dayLabel(ms) {
    var d = new Date(ms);
    return d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日';
  }

  function nearBottom() {
    var list = $('transcript');
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }
  /** Stays at the newest message unless she scrolled up to read (a reply box appearing does not unstick it). */
  function keepAtBottom() {
    if (current && current.stick) { var list = $('transcript'); list.scrollTop = list.scrollHeight; }
  }
  $('transcript').addEventListener('scroll', function () { if (current) current.stick = nearBottom(); });

  function appendMessages(messages) {
    var list = $('transcript');
    messages.forEach(function (m) {
      if (m.seq <= current.lastSeq) return;
      var day = dayLabel(m.at);
      if (day !== current.lastDay) {
        list.appendChild(el('li', { className: 'day', text: day }));
        current.lastDay = day;
      }
      list.appendChild(el('li', { className: 'msg from-' + m.from, data: { seq: m.seq } }, [
        el('div', { className: 'meta' }, [
          el('span', { className: 'who', text: whoWrote(m) }),
          el('time', { dateTime: new Date(m.at).toISOString(), text: HL.clockTime(m.at), attrs: { title: HL.dateTime(m.at) } }),
        ]),
        el('div', { className: 'text', text: m.text || '' }),
      ]));
      current.lastSeq = m.seq;
      if (m.from === 'user') {
        lookedAt(current.id, m.seq);
        hideTyping();
      }
    });
    keepAtBottom();
  }

  function merge(data) {
    Object.keys(data).forEach(function (k) { if (k !== 'messages') current.data[k] = data[k]; });
    if (current.data.state === 'agent' && current.data.assignee === me()) current.readOnly = false;
  }

  function can() {
    var d = current ? current.data : null;
    if (!d) return {};
    var holder = d.state === 'agent' && d.assignee === me();
    var ro = current.readOnly;
    var reassign = d.state === 'agent' && (holder || supervisor());
    return { claim: !ro && d.state === 'queued', reply: !ro && holder, release: !ro && reassign, transfer: !ro && reassign, note: !ro && reassign, resolve: !ro && holder, referral: !ro && holder };
  }
  W.can = can;
  W.current = function () { return current; };

  function setHash(id) {
    var want = id ? '#chat=' + encodeURIComponent(id) : '';
    if (location.hash !== want) history.replaceState(null, '', location.pathname + location.search + want);
  }

  /** Opens a chat: one audited read. `from`: 'list', 'history' (read-only), 'hash', 'key'. */
  W.open = function (id, opts) {
    opts = opts || {};
    if (HL.showTab) HL.showTab('work');
    if (current && current.id === id) {
      if (opts.from !== 'history') current.readOnly = false;
      render();
      focusChat(opts);
      return Promise.resolve();
    }
    return HL.api('GET', '/conversations/' + encodeURIComponent(id)).then(function (data) {
      current = { id: id, readOnly: opts.from === 'history', data: {}, lastSeq: 0, lastDay: null, inflight: false, again: false, stick: true, locale: data.locale || 'zh' };
      merge(data);
      HL.clear($('transcript'));
      hideTyping();
      appendMessages(data.messages || []);
      lookedAt(id, current.lastSeq);
      $('reply').value = loadDraft(id);
      setHash(id);
      render();
      renderQueue();
      renderHeld();
      focusChat(opts);
    }, function (err) {
      if (err.status === 404 || err.status === 403) {
        if (opts.from === 'hash') setHash(null);
        HL.status(err.status === 404 ? '这个对话已不存在（可能已过保存期限）。' : '你不能查看这个对话：它已由别人处理。', 'error');
      } else if (err.status !== 401) HL.fail(err, '打开对话失败');
    });
  };

  function focusChat(opts) {
    if (opts.from === 'key' || opts.from === 'history') $('chat-title').focus();
  }

  W.close = function () {
    current = null;
    setHash(null);
    render();
    renderQueue();
    renderHeld();
  };

  /** New messages and the record's changes, without a new audit entry; one request at a time. */
  W.follow = function () {
    if (!current) return Promise.resolve();
    var chat = current;
    if (chat.inflight) { chat.again = true; return chat.inflight; }
    chat.inflight = HL.api('GET', '/conversations/' + encodeURIComponent(chat.id) + '?after=' + chat.lastSeq).then(function (data) {
      if (current !== chat) return;
      if (followLost) { followLost = false; HL.connection(''); }
      merge(data);
      appendMessages(data.messages || []);
      render();
    }, function (err) {
      if (current !== chat) return;
      if (err.status === 403) { HL.status('这个对话已转给别人或由别人接手，你不能再查看。', 'error'); W.close(); }
      // A lost connection shows in the header, where it does not hide what an action of hers just said.
      else if (err.status === 0) { followLost = true; HL.connection('连接中断，对话暂时没有更新…'); }
      else if (err.status !== 401) HL.fail(err, '更新对话失败');
    }).then(function () {
      chat.inflight = false;
      if (chat.again) { chat.again = false; return W.follow(); }
    });
    return chat.inflight;
  };

  function render() {
    var open = Boolean(current);
    $('chat-empty').hidden = open;
    $('chat-view').hidden = !open;
    $('case-empty').hidden = open;
    $('case-view').hidden = !open;
    if (!open) { document.title = '热线工作台'; return; }
    var d = current.data;
    var c = can();
    $('chat-title').textContent = '与她的对话 · ' + HL.topicTitle(d.topic);
    $('chat-title').tabIndex = -1;
    var state = $('chat-state');
    state.textContent = HL.STATE[d.state] || d.state;
    state.className = 'state state-' + d.state;
    $('chat-meta').textContent = '开始于 ' + HL.shortDateTime(d.startedAt || Date.now()) + ' · 她用' + (HL.LOCALE[d.locale || current.locale] || '中文');
    updateExportLink();
    $('readonly-note').hidden = !current.readOnly;
    $('reply-form').hidden = !c.reply;
    var closed = $('reply-closed');
    closed.hidden = c.reply;
    closed.textContent = current.readOnly ? '' : d.state === 'queued' ? '她在排队。接手后才能回复（按 c 或“接手”）。' : d.state === 'agent' ? '这个对话由 ' + (d.assignee || '别人') + ' 处理，你只能查看。' : '对话已交回机器人，不能再回复。';
    if (!closed.textContent) closed.hidden = true;
    $('reply-as').textContent = HL.user ? HL.user.displayName || HL.user.name : '';
    document.title = (d.state === 'queued' ? '排队 · ' : '') + '对话 · 热线工作台';
    fillCanned();
    renderCase(c);
    keepAtBottom();
  }
  W.render = render;

  function updateExportLink() {
    if (!current) return;
    $('export-link').href = '/console/api/conversations/' + encodeURIComponent(current.id) + '/export' + ($('export-notes').checked ? '?notes=1' : '');
  }

  function renderCase(c) {
    var d = current.data;
    var risk = $('case-risk');
    risk.className = 'risk big risk-' + d.risk;
    risk.textContent = '风险：' + (HL.RISK[d.risk] || d.risk);
    var reasons = HL.clear($('case-reasons'));
    (d.reasons && d.reasons.length ? d.reasons : ['没有危险信号']).forEach(function (r) { reasons.appendChild(el('li', { text: r })); });
    $('case-topic').textContent = HL.topicTitle(d.topic);
    $('case-state').textContent = HL.STATE[d.state] || d.state;
    $('case-assignee').textContent = d.assignee ? (d.assignee === me() ? '你（' + me() + '）' : d.assignee) : '—';
    $('case-locale').textContent = HL.LOCALE[d.locale || current.locale] || '中文';
    $('case-started').textContent = d.startedAt ? HL.dateTime(d.startedAt) : '—';
    var outcome = d.outcome || (d.resolution && d.resolution.outcome);
    $('case-outcome-term').hidden = !outcome;
    $('case-outcome').hidden = !outcome;
    $('case-outcome').textContent = outcome ? HL.OUTCOME[outcome] || outcome : '';

    $('claim').hidden = !c.claim;
    $('release').hidden = !c.release;
    $('transfer-form').hidden = !c.transfer;
    $('note-form').hidden = !c.note;
    $('resolve-form').hidden = !c.resolve;
    $('case-referrals').hidden = !c.referral;

    var notes = HL.clear($('notes'));
    (d.notes || []).forEach(function (n) {
      notes.appendChild(el('li', {}, [el('span', { className: 'meta', text: n.by + ' · ' + HL.shortDateTime(n.at) }), el('span', { className: 'text', text: n.text })]));
    });
    if (!(d.notes || []).length) notes.appendChild(el('li', { className: 'empty', text: '还没有备注。' }));

    var sent = HL.clear($('referrals-sent'));
    sentReferrals().forEach(function (r) { sent.appendChild(el('li', { text: r.name + (r.kind ? '（' + (HL.REFERRAL_KIND[r.kind] || r.kind) + '）' : '') })); });
    if (!sent.children.length) sent.appendChild(el('li', { className: 'empty', text: '还没有。' }));

    var cb = d.callback;
    $('callback-section').hidden = !cb;
    if (cb) {
      var facts = HL.clear($('callback-facts'));
      var add = function (term, value) { if (value) { facts.appendChild(el('dt', { text: term })); facts.appendChild(el('dd', { text: value })); } };
      add('类型', HL.CALLBACK_KIND[cb.kind] || cb.kind);
      if (cb.doNotContact) add('注意', '她说不要联系她');
      add('她的留言', cb.message);
      add('安全的联系方式', cb.contactWay);
      add('安全的时间', cb.contactTime);
      add('最迟回访', HL.dateTime(cb.due) + (cb.state === 'open' && !cb.doNotContact && cb.due <= Date.now() ? '（已逾期）' : ''));
      add('状态', cb.state === 'done' ? '已完成' + (cb.result ? '：' + (HL.CALLBACK_RESULT[cb.result] || cb.result) : '') : '待回访');
    }
  }

  /** Partners sent in this chat: the record's list when the API gives it, else read from the transcript. */
  function sentReferrals() {
    var d = current.data;
    var list = [];
    var byId = {};
    var push = function (r) { if (!byId[r.id || r.name]) { byId[r.id || r.name] = true; list.push(r); } };
    (d.referralsSent || []).forEach(push);
    ((d.resolution && d.resolution.referrals) || []).forEach(push);
    var directory = HL.directory ? HL.directory() : [];
    Array.prototype.forEach.call($('transcript').querySelectorAll('li.from-agent .text'), function (node) {
      var first = node.textContent.split('\n')[0];
      directory.forEach(function (r) { if (first === r.name.zh || first === r.name.en) push({ id: r.id, name: r.name.zh, kind: r.kind }); });
    });
    return list;
  }

  // --- typing both ways ---

  function hideTyping() {
    clearTimeout(typingTimer);
    $('typing').textContent = '';
  }

  W.onTyping = function (event) {
    if (!current || event.conversationId !== current.id || event.from !== 'user') return;
    $('typing').textContent = '她正在输入…';
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 6000);
  };

  $('reply').addEventListener('input', function () {
    if (!current) return;
    saveDraft(current.id, $('reply').value);
    if (!can().reply || !$('reply').value.trim()) return;
    var now = Date.now();
    if (now - lastTypingPost < 3000) return;
    lastTypingPost = now;
    HL.api('POST', '/conversations/' + encodeURIComponent(current.id) + '/typing').catch(function () { /* only a hint */ });
  });

  // A reply she started is kept if she switches chats or reloads (in this tab only).
  function draftKey(id) { return 'hl.draft.' + id; }
  function saveDraft(id, text) { try { if (text) sessionStorage.setItem(draftKey(id), text); else sessionStorage.removeItem(draftKey(id)); } catch (e) { /* ignore */ } }
  function loadDraft(id) { try { return sessionStorage.getItem(draftKey(id)) || ''; } catch (e) { return ''; } }

  // --- events ---

  W.onMessage = function (event) {
    if (event.from === 'user') latest[event.conversationId] = Math.max(latest[event.conversationId] || 0, event.seq);
    if (current && event.conversationId === current.id) W.follow();
    W.refreshLists();
  };

  W.onChanged = function (event) {
    if (current && event.conversationId === current.id) W.follow();
    W.refreshLists();
  };

  // --- canned replies: hers first ---

  function fillCanned() {
    var select = $('canned');
    var canned = HL.canned;
    if (!canned || !current) return;
    var locale = current.data.locale || current.locale || 'zh';
    if (select.dataset.locale === locale && select.dataset.version === String(canned.stamp)) return;
    select.dataset.locale = locale;
    select.dataset.version = String(canned.stamp);
    HL.clear(select);
    select.appendChild(el('option', { value: '', text: '选择后放入回复框…' }));
    var order = locale === 'en' ? ['en', 'zh'] : ['zh', 'en'];
    order.forEach(function (l, i) {
      var name = (l === 'zh' ? '中文' : '英文') + (i === 0 ? '（她的语言）' : '');
      var snippets = el('optgroup', { label: '常用语 · ' + name });
      canned.snippets.forEach(function (s) { snippets.appendChild(el('option', { value: l + ':s:' + s.id, text: s.title + (l === 'en' ? ' (English)' : '') })); });
      if (snippets.children.length) select.appendChild(snippets);
      var faq = el('optgroup', { label: 'FAQ 回答 · ' + name });
      canned.items.forEach(function (f) { faq.appendChild(el('option', { value: l + ':f:' + f.topic, text: f[l].title })); });
      select.appendChild(faq);
    });
  }
  W.fillCanned = fillCanned;

  $('canned').addEventListener('change', function (e) {
    var v = e.target.value;
    if (!v || !HL.canned) return;
    var parts = v.split(':');
    var l = parts[0];
    var text = '';
    if (parts[1] === 's') HL.canned.snippets.forEach(function (s) { if (s.id === parts[2]) text = s[l]; });
    else HL.canned.items.forEach(function (f) { if (f.topic === parts.slice(2).join(':')) text = f[l].text; });
    var box = $('reply');
    box.value = box.value ? box.value.replace(/\s*$/, '') + '\n' + text : text;
    e.target.value = '';
    box.focus();
    box.dispatchEvent(new Event('input'));
  });

  // --- actions ---

  function path(suffix) { return '/conversations/' + encodeURIComponent(current.id) + suffix; }

  function act(suffix, body, done, what) {
    if (!current) return Promise.resolve();
    return HL.api('POST', path(suffix), body).then(function (r) {
      if (done) HL.status(done, 'ok');
      return Promise.all([W.follow(), loadLists()]).then(function () { return r; });
    }, function (err) {
      if (err.status !== 401) HL.fail(err, what);
      W.follow();
      throw err;
    });
  }

  W.claim = function () {
    if (!current) { HL.status('先打开一个排队中的对话（按 n）。', 'error'); return; }
    if (!can().claim) {
      HL.status(current.data.state === 'agent' && current.data.assignee === me() ? '这个对话已经由你接手。' : '这个对话不在排队中，不能接手。', 'error');
      return;
    }
    return act('/claim', undefined, '你已接手这个对话。她会看到你的显示名。', '接手失败').then(function () { $('reply').focus(); }, function () {});
  };
  $('claim').addEventListener('click', W.claim);

  $('release').addEventListener('click', function () {
    act('/release', undefined, '已放回队列。', '放回队列失败').catch(function () {});
  });

  $('transfer-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var to = $('transfer-to').value.trim();
    if (!to) { HL.status('请填写同事的登录名。', 'error'); $('transfer-to').focus(); return; }
    act('/transfer', { to: to }, '已转交给 ' + to + '。', '转交失败').then(function () { $('transfer-to').value = ''; }, function () {});
  });

  $('note-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var text = $('note').value.trim();
    if (!text) { $('note').focus(); return; }
    act('/notes', { text: text }, '备注已保存（她看不到）。', '保存备注失败').then(function () { $('note').value = ''; }, function () {});
  });

  /**
   * The id of a reply that was sent without an answer (a lost connection, a timeout): sending the same words again
   * reuses it, so the server keeps one copy and she never reads the reply twice.
   */
  var unconfirmed = null;
  function send() {
    if (!current || !can().reply) return;
    var box = $('reply');
    var text = box.value.trim();
    if (!text) { box.focus(); return; }
    var id = current.id;
    var button = $('send');
    button.disabled = true;
    if (!unconfirmed || unconfirmed.chat !== id || unconfirmed.text !== text) unconfirmed = { chat: id, text: text, id: HL.newId() };
    var sending = unconfirmed;
    HL.api('POST', '/conversations/' + encodeURIComponent(id) + '/messages', { text: text, id: sending.id }).then(function () {
      if (unconfirmed === sending) unconfirmed = null;
      if (current && current.id === id) {
        if (box.value.trim() === text) box.value = '';
        saveDraft(id, box.value);
        W.follow();
      }
    }, function (err) {
      if (err.status !== 401) HL.fail(err, '发送失败，回复还在框里');
      if (current && current.id === id) W.follow();
    }).then(function () { button.disabled = false; });
  }
  W.send = send;

  $('reply-form').addEventListener('submit', function (e) { e.preventDefault(); send(); });
  $('reply').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); }
    else if (e.key === 'Escape') { e.preventDefault(); $('transcript').focus(); }
  });

  // The outcome and an optional safe callback.
  HL.options($('outcome'), [['', '请选择…']].concat(Object.keys(HL.OUTCOME).map(function (k) { return [k, HL.OUTCOME[k]]; })));
  function localInput(ms) {
    var d = new Date(ms);
    var p = function (n) { return String(n).padStart(2, '0'); };
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
  }
  function showCallback(on) {
    $('callback-on').checked = on;
    $('callback-fields').hidden = !on;
    if (on && !$('callback-due').value) {
      var d = new Date(Date.now() + 86400000);
      d.setMinutes(0, 0, 0);
      $('callback-due').value = localInput(d.getTime());
    }
  }
  $('outcome').addEventListener('change', function () { if ($('outcome').value === 'safe_callback_consented') showCallback(true); });
  $('callback-on').addEventListener('change', function () { showCallback($('callback-on').checked); });
  $('resolve-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var outcome = $('outcome').value;
    if (!outcome) { HL.status('请选择处理结果。', 'error'); $('outcome').focus(); return; }
    var body = { outcome: outcome };
    if ($('callback-on').checked) {
      var due = new Date($('callback-due').value).getTime();
      if (!$('callback-due').value || !(due > 0)) { HL.status('请填写最迟回访时间。', 'error'); $('callback-due').focus(); return; }
      body.callback = { due: due };
      if ($('callback-way').value.trim()) body.callback.contactWay = $('callback-way').value.trim();
      if ($('callback-time').value.trim()) body.callback.contactTime = $('callback-time').value.trim();
    }
    var chat = current;
    act('/resolve', body, '对话已结束（' + HL.OUTCOME[outcome] + '），已交回机器人。', '结束对话失败').then(function () {
      // The follow-up read does not carry the outcome or the callback: keep what was just recorded.
      if (current === chat) {
        chat.data.outcome = outcome;
        if (body.callback) chat.data.callback = { kind: 'safe_callback', contactWay: body.callback.contactWay, contactTime: body.callback.contactTime, due: body.callback.due, state: 'open', doNotContact: false };
        render();
      }
      $('resolve-form').reset();
      showCallback(false);
      if (current) saveDraft(current.id, '');
    }, function () {});
  });

  $('export-notes').addEventListener('change', updateExportLink);
  $('back-to-history').addEventListener('click', function () { if (HL.showTab) HL.showTab('history-panel'); });

  /** A partner from the directory, as a message in her language; the record keeps it for the outcome. */
  W.sendReferral = function (referral) {
    if (!current || !can().referral) { HL.status('先接手一个对话，才能把转介发给她。', 'error'); return Promise.resolve(); }
    return act('/referrals', { id: referral.id }, '已发给她：' + referral.name.zh, '发送转介失败').catch(function () {});
  };

  // --- the keyboard ---

  function typingField(node) {
    if (!node || !node.tagName) return false;
    var tag = node.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT' || node.isContentEditable) return true;
    if (tag !== 'INPUT') return false;
    return !/^(checkbox|radio|button|submit|reset|file|range|color)$/i.test(node.type);
  }

  /** Opens the next waiting chat; fails when it could not be opened, so that the keys after it are dropped. */
  W.next = function () {
    var next = queue.filter(function (q) { return !current || q.id !== current.id; })[0];
    if (!next) { HL.status('现在没有人在排队。'); return Promise.reject(new Error('nobody waiting')); }
    return W.open(next.id, { from: 'key' }).then(function () {
      if (!current || current.id !== next.id) throw new Error('not opened');
    });
  };

  /**
   * Keys act in the order pressed, each after what the one before started (loading the lists, opening a
   * chat): "n" then "c" typed quickly claims the chat that "n" opens. When one fails (the chat was taken, no
   * answer), the keys pressed behind it are dropped: a "c" must never claim a chat she did not mean. A key
   * whose turn comes while she is typing in a field (the reply box "r" just focused) is dropped too.
   */
  var turn = Promise.resolve();
  var epoch = 0;
  W.inTurn = function (action, options) {
    var at = epoch;
    var key = Boolean(options && options.key);
    turn = turn.then(function () {
      if (at !== epoch || (key && (!HL.user || typingField(document.activeElement)))) return;
      return Promise.resolve(action()).catch(function () { epoch++; });
    });
    return turn;
  };

  document.addEventListener('keydown', function (e) {
    if (!HL.user || $('work').dataset.active !== 'true') return;
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    if (typingField(e.target)) return;
    if (e.key === 'n' || e.key === 'N') { e.preventDefault(); W.inTurn(W.next, { key: true }); }
    else if (e.key === 'c' || e.key === 'C') { e.preventDefault(); if (HL.showTab) HL.showTab('work'); W.inTurn(W.claim, { key: true }); }
    else if (e.key === 'r' || e.key === 'R') {
      e.preventDefault();
      if (HL.showTab) HL.showTab('work');
      W.inTurn(function () {
        if (current && can().reply) $('reply').focus();
        else HL.status(current ? '接手这个对话后才能回复。' : '先打开一个对话。', 'error');
      }, { key: true });
    }
  });

  // The waiting times tick every second.
  setInterval(function () {
    Array.prototype.forEach.call(document.querySelectorAll('.wait[data-since]'), function (node) {
      node.textContent = '等待 ' + HL.elapsed(Number(node.dataset.since));
    });
  }, 1000);

  /** Logged out: forget what was on screen (the next staff member at this desk sees nothing of it). */
  W.reset = function () {
    epoch++;
    unconfirmed = null;
    current = null;
    queue = [];
    held = [];
    HL.clear($('queue'));
    HL.clear($('held'));
    HL.clear($('transcript'));
    $('reply').value = '';
    render();
  };
})();
