// The panel behind the content script: its model, the storage and message wiring, and the docked frame it renders.
import { render } from 'preact';
import { effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { Panel } from '../../components/Panel';
import { PanelModelContext, useModel } from '../../components/model-context';
import { createPanelModel, type PanelModel } from './model';
import { ASK_PORT, callApi, onMessage, sendMessage, type AskEvent, type AskRequest } from '../common/protocol';
import { PANEL_MAX_WIDTH, PANEL_MIN_WIDTH, panelPrefsItem, signedInUserItem, syncStatusItem, type PanelPrefs } from '../common/storage';
import type { PanelApp } from '../common/panel-host';
import { watchTheme } from './theme';

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

/**
 * Builds the panel for one content script instance: signed-in state from the background, queue status and
 * prefs from the storage areas content scripts may read (never `local`, see storage.ts), the popup's and the
 * hotkey's messages. The content script mounts it (in its shadow root) and feeds it tickets.
 */
export async function createPanelApp(ctx: ContentScriptContext): Promise<PanelApp> {
  const model: PanelModel = createPanelModel({ call: callApi, accountState: () => sendMessage('accountState'), ask: openAsk });
  const prefs = signal<PanelPrefs>(await panelPrefsItem.getValue());
  const mounted = signal(false);

  const disposeDock = effect(() => {
    const { open, width } = prefs.value;
    dock(mounted.value && model.ticket.value ? (open ? width : 28) : null);
  });
  const theme = watchTheme();
  ctx.onInvalidated(() => {
    disposeDock();
    theme.stop();
    dock(null);
  });

  await model.refreshAccount();
  model.setSync(await syncStatusItem.getValue());
  const unwatchers = [
    // The account itself (storage.local) is closed to content scripts: its public copy says when to ask again.
    signedInUserItem.watch(async () => {
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
      if (r.ok) return { ok: true as const, data: { sessionId: r.data.session.id, ticket: r.data.session.ticket.externalId } };
      return r;
    }),
  ];
  ctx.onInvalidated(() => unwatchers.forEach((u) => u()));

  return {
    mount(el) {
      render(
        <PanelModelContext.Provider value={model}>
          <PanelFrame prefs={prefs} dark={theme.dark} />
        </PanelModelContext.Provider>,
        el,
      );
      mounted.value = true;
    },
    unmount(el) {
      render(null, el);
      mounted.value = false;
      dock(null);
    },
    setTicket(ticket) {
      void model.setTicket(ticket);
    },
  };
}

function PanelFrame(props: { prefs: Signal<PanelPrefs>; dark: ReadonlySignal<boolean> }) {
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
    <div class={props.dark.value ? 'fp-dock fp-dark' : 'fp-dock'} data-theme={props.dark.value ? 'dark' : 'light'} style={{ width: `${p.width}px` }}>
      <div class="fp-resize" onPointerDown={startResize} title="Drag to resize" />
      <Panel onClose={() => setPrefs({ ...p, open: false })} onOpenOptions={() => void sendMessage('openOptions')} onOpenWorkspace={(ref) => void (ref ? sendMessage('openSource', { ref }) : sendMessage('openWorkspace'))} />
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
