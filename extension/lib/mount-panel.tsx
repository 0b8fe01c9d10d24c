// Mounts the panel in a shadow root docked at the right of ConnectWise, and keeps it in step with the ticket.
import { render } from 'preact';
import { effect, signal, type Signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { Panel } from '../components/Panel';
import { PanelModelContext, useModel } from '../components/model-context';
import { ASK_PORT, type AskEvent, type AskRequest } from './background/ask';
import { createPanelModel, type PanelModel } from './panel-model';
import { callApi, onMessage, sendMessage } from './protocol';
import { accountItem, PANEL_MAX_WIDTH, PANEL_MIN_WIDTH, panelPrefsItem, syncStatusItem, type PanelPrefs } from './storage';
import type { TicketContext } from './ticket-context';
import { watchTicket } from './ticket-watcher';

const DOCK_STYLE_ID = 'flowpilot-dock';

function openAsk(req: AskRequest, onEvent: (e: AskEvent) => void): () => void {
  const port = browser.runtime.connect({ name: ASK_PORT });
  port.onMessage.addListener((msg: unknown) => onEvent(msg as AskEvent));
  port.onDisconnect.addListener(() => onEvent({ type: 'done' }));
  port.postMessage(req);
  return () => port.disconnect();
}

/** Reserves room for the panel so it never covers ConnectWise's own controls. */
function dock(width: number | null) {
  let style = document.getElementById(DOCK_STYLE_ID);
  if (width === null) {
    style?.remove();
    return;
  }
  if (!style) {
    style = document.createElement('style');
    style.id = DOCK_STYLE_ID;
    (document.head ?? document.documentElement).append(style);
  }
  const css = `html body{margin-right:${width}px !important;}`;
  if (style.textContent !== css) style.textContent = css;
}

export async function startTicketPanel(ctx: ContentScriptContext) {
  const model: PanelModel = createPanelModel({ call: callApi, accountState: () => sendMessage('accountState'), ask: openAsk });
  const prefs = signal<PanelPrefs>(await panelPrefsItem.getValue());

  const ui = await createShadowRootUi(ctx, {
    name: 'flowpilot-panel',
    position: 'inline',
    anchor: 'body',
    append: 'last',
    isolateEvents: true,
    onMount(container) {
      const app = document.createElement('div');
      container.append(app);
      render(
        <PanelModelContext.Provider value={model}>
          <PanelFrame prefs={prefs} />
        </PanelModelContext.Provider>,
        app,
      );
      return app;
    },
    onRemove(app) {
      if (app) render(null, app);
      dock(null);
    },
  });

  const mounted = signal(false);
  const disposeDock = effect(() => {
    const { open, width } = prefs.value;
    dock(mounted.value && model.ticket.value ? (open ? width : 28) : null);
  });
  ctx.onInvalidated(() => {
    disposeDock();
    dock(null);
  });

  const onTicket = (ticket: TicketContext | null) => {
    if (ticket && !ui.mounted) ui.mount();
    if (!ticket && ui.mounted) ui.remove();
    mounted.value = Boolean(ui.mounted);
    void model.setTicket(ticket);
  };

  await model.refreshAccount();
  model.setSync(await syncStatusItem.getValue());
  const unwatchers = [
    accountItem.watch(async () => {
      await model.refreshAccount();
      const t = model.ticket.value;
      await model.setTicket(null);
      await model.setTicket(t);
    }),
    syncStatusItem.watch((s) => model.setSync(s)),
    panelPrefsItem.watch((p) => (prefs.value = p)),
    onMessage('togglePanel', () => void panelPrefsItem.setValue({ ...prefs.value, open: !prefs.value.open })),
    onMessage('getTicket', () => model.ticket.value),
    onMessage('startFlowOnTicket', async ({ data }) => {
      const r = await model.startSession(data.flowId);
      const s = model.session.value;
      if (r.ok && s) return { ok: true as const, data: { sessionId: s.id, ticket: s.ticket.externalId } };
      if (r.ok) return { ok: false as const, error: { status: 0, code: 'no_session', message: 'No session was opened.' } };
      return r;
    }),
  ];
  ctx.onInvalidated(() => unwatchers.forEach((u) => u()));
  watchTicket(ctx, onTicket);
}

function PanelFrame(props: { prefs: Signal<PanelPrefs> }) {
  const p = props.prefs.value;
  const setPrefs = (next: PanelPrefs) => void panelPrefsItem.setValue(next);
  if (!p.open) {
    return <CollapsedTab onOpen={() => setPrefs({ ...p, open: true })} />;
  }
  const startResize = (e: PointerEvent) => {
    e.preventDefault();
    const target = e.currentTarget as HTMLElement;
    target.setPointerCapture(e.pointerId);
    let width = p.width;
    const move = (ev: PointerEvent) => {
      width = Math.min(PANEL_MAX_WIDTH, Math.max(PANEL_MIN_WIDTH, window.innerWidth - ev.clientX));
      props.prefs.value = { ...props.prefs.value, width };
    };
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      setPrefs({ ...props.prefs.value, width });
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };
  return (
    <div class="fp-dock" style={{ width: `${p.width}px` }}>
      <div class="fp-resize" onPointerDown={startResize} title="Drag to resize" />
      <Panel onClose={() => setPrefs({ ...p, open: false })} onOpenOptions={() => void sendMessage('openOptions')} />
    </div>
  );
}

function CollapsedTab(props: { onOpen: () => void }) {
  const m = useModel();
  return (
    <button class="fp-tab" onClick={props.onOpen} title="Show FlowPilot (Alt+Shift+F)" data-fp="open-panel">
      FlowPilot · #{m.ticket.value?.externalId}
    </button>
  );
}
