/* "My concerns": drafts, the outbox and receipts, drawn from this phone's IndexedDB.
 *
 * The CMP's follow-up agreement is kept on the phone only sealed to the concern's receipt key
 * (receipt-key.js) and opened here, in memory, each time the list is drawn. So it shows
 * offline too once the phone has fetched it online: keeping nothing would not protect it
 * better, since whoever holds the unlocked phone holds the receipt token and the key as well,
 * and could fetch and open it; what a copy of the phone's storage reveals is ciphertext.
 */
(() => {
  'use strict';
  const C = window.WegwijzerConcerns;
  const Drafts = window.WegwijzerDrafts;
  const Outbox = window.WegwijzerOutbox;
  const ReceiptKey = window.WegwijzerReceiptKey;
  const { STATE } = window.WegwijzerShared;
  const lists = {
    open: document.getElementById('list-open'),
    waiting: document.getElementById('list-waiting'),
    sent: document.getElementById('list-sent')
  };
  if (!lists.open || !C.keepsConcerns) return;
  const bar = document.getElementById('outbox-bar');
  const syncStatus = document.getElementById('sync-status');
  const sendNow = document.getElementById('send-now');
  const dialog = document.getElementById('delete-dialog');
  const ICONS = { draft: '✎', rejected: '⚠', waiting: '◔', sent: '✓' };
  let pendingDelete = null;

  function newestFirst(field) {
    return (a, b) => (b[field] || '').localeCompare(a[field] || '');
  }

  function badge(state, reference) {
    const line = C.textElement('p', `state-badge state-${state}`);
    const icon = line.appendChild(C.textElement('span', 'state-icon', ICONS[state]));
    icon.setAttribute('aria-hidden', 'true');
    const text = C.label(`state-${state}`);
    if (state === STATE.SENT) {
      // "Sent — received by the CMP as <strong>CMP-2026-0007</strong>"
      const parts = text.split('{reference}');
      line.appendChild(document.createTextNode(parts[0]));
      line.appendChild(C.textElement('strong', 'receipt-reference', reference));
      line.appendChild(document.createTextNode(parts[1] || ''));
    } else {
      line.appendChild(document.createTextNode(text));
    }
    return line;
  }

  function titleOf(draft) {
    const fields = draft.fields || {};
    const parts = [];
    if (fields.kind) parts.push(C.label(`kind-${fields.kind}`));
    if (fields.pupil_ref) parts.push(fields.pupil_ref);
    if (fields.school) parts.push(fields.school);
    return parts.join(' · ') || C.label('untitled');
  }

  function draftItem(draft) {
    const item = C.textElement('li', `concern concern-${draft.state}`);
    const titleId = `title-${draft.id}`;
    item.dataset.id = draft.id;
    item.dataset.state = draft.state;
    item.appendChild(badge(draft.state));
    item.appendChild(C.textElement('h3', 'concern-title', titleOf(draft))).id = titleId;
    const need = (draft.fields?.need || '').trim();
    if (need) {
      const excerpt = need.length > 140 ? `${need.slice(0, 140)}…` : need;
      item.appendChild(C.textElement('p', 'concern-excerpt', excerpt));
    }
    const when = draft.state === STATE.WAITING
      ? C.label('queued', { date: C.formatDate(draft.queued_at) })
      : C.label('changed', { date: C.formatDate(draft.updated_at) });
    item.appendChild(C.textElement('p', 'concern-meta', when));
    if (draft.state === STATE.REJECTED) {
      const box = C.textElement('div', 'concern-errors');
      box.appendChild(C.textElement('p', '', C.label('rejected-intro')));
      const list = box.appendChild(C.textElement('ul'));
      Object.keys(draft.errors || {}).forEach((name) => {
        (draft.errors[name] || []).forEach((message) => {
          const text = message === 'idempotency_key_reused' ? C.label('key-reused') : message;
          list.appendChild(C.textElement('li', '', text));
        });
      });
      item.appendChild(box);
    }
    const actions = item.appendChild(C.textElement('div', 'concern-actions'));
    const open = C.textElement('a', 'button', C.label(
      draft.state === STATE.WAITING ? 'view' : draft.state === STATE.REJECTED ? 'fix' : 'open'));
    open.href = `${C.formUrl}?draft=${encodeURIComponent(draft.id)}`;
    open.setAttribute('aria-describedby', titleId);
    actions.appendChild(open);
    if (draft.state !== STATE.WAITING) {
      const remove = C.textElement('button', 'button-quiet delete', C.label('delete'));
      remove.type = 'button';
      remove.dataset.delete = draft.id;
      remove.setAttribute('aria-describedby', titleId);
      actions.appendChild(remove);
    }
    return item;
  }

  /* The agreement to show: {text} opened (or in clear, from before receipt keys), {unreadable},
   * or {} when there is none yet. */
  async function agreementOf(receipt) {
    if (!receipt.follow_up_sealed) return receipt.follow_up ? { text: receipt.follow_up } : {};
    try {
      return { text: await ReceiptKey.open(receipt.id, receipt.follow_up_sealed) };
    } catch {
      return { unreadable: true };
    }
  }

  function receiptItem(receipt, agreement) {
    const item = C.textElement('li', 'concern concern-sent');
    item.dataset.id = receipt.id;
    item.dataset.state = STATE.SENT;
    item.appendChild(badge(STATE.SENT, receipt.reference));
    const received = C.label('received', { date: C.formatDate(receipt.received_at) });
    item.appendChild(C.textElement('p', 'concern-meta', received));
    const code = (receipt.status || 'received').replace(/_/g, '-');
    const statusText = C.label(`status-${code}`) || receipt.status;
    const status = C.label('status', { status: statusText });
    item.appendChild(C.textElement('p', 'concern-status', status));
    const next = C.label(`next-${code}`); // the next step of the flow, while one remains
    if (next) item.appendChild(C.textElement('p', 'concern-next', next));
    if (agreement.text || agreement.unreadable) {
      const followUp = item.appendChild(C.textElement('div', 'follow-up'));
      followUp.appendChild(C.textElement('p', 'follow-up-title', C.label('follow-up')));
      followUp.appendChild(agreement.text
        ? C.textElement('p', 'follow-up-text', agreement.text)
        : C.textElement('p', 'follow-up-unreadable', C.label('follow-up-unreadable')));
    }
    if (receipt.unknown) {
      item.appendChild(C.textElement('p', 'concern-meta', C.label('unknown-receipt')));
    }
    item.appendChild(C.textElement('p', 'concern-checked', receipt.checked_at
      ? C.label('checked', { date: C.formatDate(receipt.checked_at) }) : C.label('not-checked')));
    return item;
  }

  function fill(name, items) {
    lists[name].replaceChildren.apply(lists[name], items);
    document.getElementById(`group-${name}`).hidden = items.length === 0;
  }

  function describeSync(waiting, lastSync) {
    const sync = C.sync;
    if (sync.running) return C.label('sending');
    if (!waiting) return C.label('all-sent');
    const time = sync.nextAt ? C.formatDate(sync.nextAt.toISOString(), true) : '';
    if (!time) return C.label('state-waiting');
    if (lastSync?.retry_at) return C.label('asked-to-wait', { time: time });
    return C.label(lastSync?.unreachable ? 'unreachable' : 'kept', { time: time });
  }

  let drawing = 0;
  async function render() {
    const ticket = ++drawing;
    const found = await Promise.all([
      Drafts.listDrafts(), Drafts.listReceipts(), Drafts.getMeta('last-sync')
    ]);
    const receipts = found[1].sort(newestFirst('received_at'));
    const agreements = await Promise.all(receipts.map(agreementOf));
    if (ticket !== drawing) return; // a newer drawing is under way
    const drafts = found[0].sort(newestFirst('updated_at'));
    const waiting = drafts.filter((d) => d.state === STATE.WAITING);
    fill('open', drafts.filter((d) => d.state !== STATE.WAITING).map(draftItem));
    fill('waiting', waiting.sort(newestFirst('queued_at')).reverse().map(draftItem));
    fill('sent', receipts.map((receipt, i) => receiptItem(receipt, agreements[i])));
    document.getElementById('concern-empty').hidden = drafts.length + found[1].length > 0;
    bar.hidden = waiting.length === 0; // a sync with nothing waiting shows nothing (no shift)
    sendNow.disabled = C.sync.running;
    const text = describeSync(waiting.length, found[2]);
    if (syncStatus.textContent !== text) syncStatus.textContent = text;
    // The storage note (below the lists) may show only now, so it never pushes them down.
    document.querySelector('.concern-area').classList.add('is-drawn');
  }

  function refreshReceipts() {
    Outbox.refreshReceipts(C.lang).catch(() => {});
  }

  // The teacher's own "send now" tries at once, even while the server asked to wait.
  sendNow.addEventListener('click', () => { C.syncNow({ reset: true, force: true }); });

  // Delete asks first, in a modal dialog (focus stays inside; Escape keeps the draft).
  lists.open.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-delete]');
    if (!button) return;
    pendingDelete = button.dataset.delete;
    dialog.returnValue = '';
    dialog.showModal();
  });
  dialog.addEventListener('close', () => {
    const id = pendingDelete;
    pendingDelete = null;
    if (dialog.returnValue !== 'delete' || !id) return;
    Drafts.deleteDraft(id).then(() => {
      Outbox.announce();
      return render();
    }).then(() => {
      document.getElementById('main').focus();
    });
  });

  C.onChange(render);
  window.addEventListener('online', refreshReceipts);
  render();
  refreshReceipts();
})();
