// The workspace page: sections for the flow library with its editor, the flywheel's proposals, session history, scripts, maintenance schedules, the team and usage.
import { useEffect } from 'preact/hooks';
import { AssistantChat } from '../components/AssistantChat';
import { FlowEditor } from './FlowEditor';
import { Library } from './Library';
import { Proposals } from './Proposals';
import { SessionList, SessionView } from './Sessions';
import { Schedules } from './Schedules';
import { Scripts } from './Scripts';
import { Team } from './Team';
import { Usage } from './Usage';
import { Steps } from './Steps';
import { Builder } from './Builder';
import type { Section, WorkspaceModel } from './workspace-model';

const SECTIONS: { id: Section; label: string }[] = [
  { id: 'flows', label: 'Flows' },
  { id: 'proposals', label: 'Proposals' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'scripts', label: 'Scripts' },
  { id: 'maintenance', label: 'Maintenance' },
  { id: 'team', label: 'Team' },
  { id: 'usage', label: 'Usage' },
  { id: 'steps', label: 'Steps' },
  { id: 'builder', label: 'AI builder' },
  { id: 'assistant', label: 'Assistant' },
];

export function WorkspaceApp({ model: m }: { model: WorkspaceModel }) {
  useEffect(() => void m.init(location.hash), []);
  const account = m.account.value;
  if (!account) return <main class="page workspace muted">Loading…</main>;
  if (!account.signedIn) {
    return (
      <main class="page workspace" data-fp="ws-signed-out">
        <h1>FlowPilot workspace</h1>
        <p>Sign in on the options page first; the workspace then shows your team's flows.</p>
        <button class="primary" onClick={m.openOptions}>
          Open options
        </button>
      </main>
    );
  }
  return (
    <main class="page workspace" data-fp="ws">
      <header class="row fp-ws-header">
        <h1 class="grow">FlowPilot workspace</h1>
        <nav class="row" aria-label="Sections">
          {SECTIONS.map((s) => (
            <button type="button" key={s.id} class={m.section.value === s.id ? 'primary' : ''} aria-current={m.section.value === s.id ? 'page' : undefined} onClick={() => m.go(s.id)} data-fp={`ws-nav-${s.id}`}>
              {s.label}
              {s.id === 'scripts' && m.scripts.pending.value ? (
                <span class="fp-badge" data-fp="ws-drafts-badge" aria-label={`${m.scripts.pending.value} drafts to review`}>
                  {m.scripts.pending.value}
                </span>
              ) : null}
            </button>
          ))}
        </nav>
        <span class="muted" data-fp="ws-user">
          {account.user?.name} · {account.user?.role.replace('_', ' ')}
        </span>
      </header>
      {m.section.value === 'assistant' ? (
        <div class="fp-ws-wide" data-fp="ws-assistant">
          <AssistantChat model={m.assistant} onOpenSource={(ref) => void m.openSource(ref)} />
        </div>
      ) : m.section.value === 'maintenance' ? (
        <Schedules m={m} />
      ) : m.section.value === 'scripts' ? (
        <Scripts m={m} />
      ) : m.section.value === 'team' ? (
        <Team m={m} />
      ) : m.section.value === 'usage' ? (
        <Usage m={m} />
      ) : m.section.value === 'steps' ? (
        <Steps m={m} />
      ) : m.section.value === 'builder' ? (
        <Builder m={m} />
      ) : (
        <div class="fp-ws-body">
          {m.section.value === 'flows' ? <Library m={m} /> : m.section.value === 'proposals' ? <Proposals m={m} /> : <SessionList m={m} />}
          {m.section.value === 'sessions' ? (
            <SessionView m={m} />
          ) : m.open.value ? (
            <FlowEditor m={m} key={m.editor.generation.value} />
          ) : (
            <section class="fp-editor fp-empty muted">
              {m.section.value === 'flows' ? 'Open a flow from the library, or start a new one.' : 'Preview a proposal to see it on the canvas.'}
            </section>
          )}
        </div>
      )}
    </main>
  );
}
