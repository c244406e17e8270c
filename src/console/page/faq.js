// The FAQ editor (admins). Every text from the store is shown with textContent: nothing runs as markup.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };

  function lines(text) { return text.split('\n').map(function (l) { return l.trim(); }).filter(Boolean); }

  window.FaqEditor = function (api, status) {
    var current = null;
    var form = $('faq-form');
    var field = function (name) { return form.elements[name]; };

    function show(id, visible) { $(id).hidden = !visible; }

    function loadList() {
      return api('GET', '/faq').then(function (data) {
        $('faq-training').textContent = data.training ? '机器人正在学习新的训练句，旧模型继续回答。' : '';
        var body = $('faq-list').querySelector('tbody');
        body.textContent = '';
        data.items.forEach(function (item) {
          var tr = document.createElement('tr');
          tr.className = 'row' + (item.overdue ? ' overdue' : '');
          tr.dataset.intent = item.intent;
          [item.intent, item.zh.title, item.en.title, 'v' + item.version, item.lastReviewed + (item.overdue ? ' 需复核' : ''), item.reviewer].forEach(function (text) {
            var td = document.createElement('td'); td.textContent = text; tr.appendChild(td);
          });
          tr.addEventListener('click', function () { open(item.intent); });
          // Reachable by keyboard too: Tab to the row, Enter or Space opens it.
          tr.tabIndex = 0;
          tr.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(item.intent); } });
          body.appendChild(tr);
        });
      }).catch(function (err) { status(err.message); });
    }

    function fill(e) {
      current = e;
      $('faq-intent').textContent = e.intent;
      $('faq-version').textContent = 'v' + e.version;
      $('faq-meta').textContent = (e.at ? new Date(e.at).toLocaleString() + ' · ' + e.author : e.author) + ' · 复核 ' + e.lastReviewed + '（' + e.reviewer + '）' + (e.overdue ? ' · 需复核' : '');
      ['zh', 'en'].forEach(function (l) {
        field(l + '.title').value = e[l].title;
        field(l + '.text').value = e[l].text;
        field(l + '.cites').value = e[l].cites.join('\n');
        field('utterances.' + l).value = e.utterances[l].join('\n');
      });
      field('followUps').value = e.followUps.join(', ');
      field('note').value = '';
      clearInvalid();
      form.hidden = false;
      show('faq-conflict', false);
      show('faq-preview-box', false);
      show('faq-versions', false);
    }

    function collect() {
      var answer = function (l) { return { title: field(l + '.title').value, text: field(l + '.text').value, cites: lines(field(l + '.cites').value) }; };
      return {
        version: current.version,
        followUps: field('followUps').value.split(/[,，\s]+/).filter(Boolean),
        zh: answer('zh'),
        en: answer('en'),
        utterances: { zh: lines(field('utterances.zh').value), en: lines(field('utterances.en').value) },
        note: field('note').value.trim() || undefined,
      };
    }

    function clearInvalid() {
      Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (el) { el.removeAttribute('aria-invalid'); });
    }

    // "zh.cites.2" or "utterances.en.14" -> the input that holds it.
    function markInvalid(path) {
      var parts = path.split('.');
      while (parts.length) {
        var el = field(parts.join('.'));
        if (el) { el.setAttribute('aria-invalid', 'true'); el.focus(); return; }
        parts.pop();
      }
    }

    function fail(err) {
      status(err.message);
      if (err.data && err.data.field) markInvalid(err.data.field);
      if (err.status === 409 && err.data && err.data.current) showConflict(err.data);
    }

    function renderChanges(list, changes) {
      list.textContent = '';
      changes.forEach(function (c) {
        var li = document.createElement('li');
        var name = document.createElement('strong');
        name.textContent = c.field + '：';
        li.appendChild(name);
        if (c.kind === 'text') {
          c.parts.forEach(function (p) {
            var el = document.createElement(p.added ? 'ins' : p.removed ? 'del' : 'span');
            el.textContent = p.value;
            li.appendChild(el);
          });
        } else {
          c.added.forEach(function (x) { var el = document.createElement('ins'); el.textContent = '+ ' + x + ' '; li.appendChild(el); });
          c.removed.forEach(function (x) { var el = document.createElement('del'); el.textContent = '− ' + x + ' '; li.appendChild(el); });
          if (!c.added.length && !c.removed.length) li.appendChild(document.createTextNode('顺序改变'));
        }
        list.appendChild(li);
      });
    }

    function showConflict(data) {
      $('faq-conflict-text').textContent = data.current.author + ' 已经保存了版本 v' + data.current.version + '。你的修改没有保存。对方改了：';
      renderChanges($('faq-conflict-changes'), data.changes || []);
      show('faq-conflict', true);
      $('faq-reload').onclick = function () { fill(data.current); status('已载入 v' + data.current.version + '，请重新修改。'); };
    }

    function open(intent) {
      status('');
      return api('GET', '/faq/' + encodeURIComponent(intent)).then(function (e) { fill(e); form.scrollIntoView(); }, fail);
    }

    function path(suffix) { return '/faq/' + encodeURIComponent(current.intent) + (suffix || ''); }

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      clearInvalid();
      status('');
      api('PUT', path(), collect()).then(function (saved) {
        fill(saved);
        status('已发布 v' + saved.version + '。回答立即生效；新的训练句在机器人学习完成后生效。');
        loadList();
      }, fail);
    });

    $('faq-preview').addEventListener('click', function () {
      clearInvalid();
      api('POST', path('/preview'), collect()).then(function (preview) {
        ['zh', 'en'].forEach(function (l) {
          $('faq-preview-' + l).textContent = preview[l].text;
          var buttons = $('faq-preview-' + l + '-buttons');
          buttons.textContent = '';
          preview[l].buttons.forEach(function (b) { var s = document.createElement('span'); s.textContent = b.title; buttons.appendChild(s); });
        });
        show('faq-preview-box', true);
      }, fail);
    });

    $('faq-reviewed').addEventListener('click', function () {
      api('POST', path('/reviewed'), { version: current.version }).then(function (saved) {
        fill(saved);
        status('已标记复核：' + saved.lastReviewed);
        loadList();
      }, fail);
    });

    function diff(from, to) {
      api('GET', path('/diff?from=' + from + '&to=' + to)).then(function (d) { renderChanges($('faq-diff'), d.changes); }, fail);
    }

    $('faq-history').addEventListener('click', function () {
      api('GET', path('/versions')).then(function (data) {
        var list = $('faq-version-list');
        list.textContent = '';
        data.items.forEach(function (v) {
          var li = document.createElement('li');
          li.dataset.version = v.version;
          li.appendChild(document.createTextNode('v' + v.version + ' · ' + v.author + (v.at ? ' · ' + new Date(v.at).toLocaleString() : '') + (v.note ? ' · ' + v.note : '') + ' '));
          if (v.version > 0) {
            var d = document.createElement('button');
            d.type = 'button'; d.className = 'diff'; d.textContent = '与上一版比较';
            d.addEventListener('click', function () { diff(v.version - 1, v.version); });
            li.appendChild(d);
          }
          if (v.version !== current.version) {
            var r = document.createElement('button');
            r.type = 'button'; r.className = 'rollback'; r.textContent = '回滚到此版本';
            r.addEventListener('click', function () {
              api('POST', path('/rollback'), { version: current.version, to: v.version }).then(function (saved) {
                fill(saved);
                status('已回滚：v' + v.version + ' 的内容成为 v' + saved.version + '。');
                loadList();
              }, fail);
            });
            li.appendChild(r);
          }
          list.appendChild(li);
        });
        $('faq-diff').textContent = '';
        show('faq-versions', true);
      }, fail);
    });

    return { load: loadList };
  };
})();
