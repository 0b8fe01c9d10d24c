// The flow library: folders by category, full-text search, kind, tag and category filters; new, import, and each flow's actions.
import type { FlowKind } from '../lib/common/api-types';
import { foldersOf } from './library-folders';
import { Msg } from './Msg';
import type { WorkspaceModel } from './workspace-model';

export function Library({ m }: { m: WorkspaceModel }) {
  const f = m.filter.value;
  return (
    <section class="fp-library" data-fp="ws-library" aria-label="Flow library">
      <form
        class="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void m.refreshLibrary();
        }}
      >
        <input
          class="grow"
          type="search"
          placeholder="Search flows (full text)"
          value={f.q}
          onInput={(e) => (m.filter.value = { ...m.filter.value, q: e.currentTarget.value })}
          name="q"
          data-fp="ws-search"
        />
        <button type="submit">Search</button>
      </form>
      <div class="row">
        <select value={f.kind} onChange={(e) => m.setFilter({ kind: e.currentTarget.value as FlowKind | '' })} aria-label="Kind">
          <option value="">all kinds</option>
          <option value="troubleshooting">troubleshooting</option>
          <option value="procedural">procedural</option>
          <option value="maintenance">maintenance</option>
        </select>
        <select value={f.category} onChange={(e) => m.setFilter({ category: e.currentTarget.value })} aria-label="Category" data-fp="ws-category">
          <option value="">all categories</option>
          {m.categories.value.map((c) => (
            <option value={c} key={c}>
              {c}
            </option>
          ))}
        </select>
        <select value={f.tag} onChange={(e) => m.setFilter({ tag: e.currentTarget.value })} aria-label="Tag" data-fp="ws-tag">
          <option value="">all tags</option>
          {m.tags.value.map((t) => (
            <option value={t} key={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      {m.canEdit.value && (
        <div class="row">
          <button type="button" class="primary" onClick={() => m.newFlow('troubleshooting')} data-fp="ws-new-flow">
            New flow
          </button>
          <label class="fp-file">
            Import JSON
            <input
              type="file"
              accept="application/json,.json"
              data-fp="ws-import"
              onChange={async (e) => {
                const input = e.currentTarget;
                const file = input.files?.[0];
                if (file) m.importFlow(await file.text());
                input.value = '';
              }}
            />
          </label>
        </div>
      )}
      <Msg f={m.libraryFeedback} id="ws-library-msg" />
      {/* Browsing shows folders (one per category); a search shows its ranked answer as one list. */}
      {m.searched.value ? (
        <ul class="list fp-flow-list">
          {m.flows.value.map((flow) => (
            <FlowRow m={m} flow={flow} key={flow.id} />
          ))}
        </ul>
      ) : (
        foldersOf(m.flows.value).map((folder) => (
          <details class="fp-folder" open key={folder.name} data-fp="ws-folder">
            <summary>
              {folder.name} <span class="muted">({folder.flows.length})</span>
            </summary>
            <ul class="list fp-flow-list">
              {folder.flows.map((flow) => (
                <FlowRow m={m} flow={flow} key={flow.id} />
              ))}
            </ul>
          </details>
        ))
      )}
    </section>
  );
}

function FlowRow({ m, flow }: { m: WorkspaceModel; flow: WorkspaceModel['flows']['value'][number] }) {
  const f = m.filter.value;
  return (
    <li class={m.open.value?.id === flow.id ? 'open' : ''} data-fp="ws-flow" data-flow-id={flow.id}>
      <button type="button" class="link fp-flow-title" onClick={() => void m.openFlow(flow.id)}>
        {flow.title}
      </button>
      <div class="muted">
        {flow.kind} · {flow.nodeCount} steps{flow.category ? ` · ${flow.category}` : ''} · v{flow.version}
      </div>
      <div class="fp-tags">
        {flow.tags.map((t) => (
          <button type="button" class={`fp-tag${f.tag === t ? ' on' : ''}`} key={t} onClick={() => m.setFilter({ tag: f.tag === t ? '' : t })} title={`Only flows tagged ${t}`}>
            {t}
          </button>
        ))}
      </div>
      <div class="row fp-flow-actions">
        {m.canEdit.value && (
          <button type="button" class="link" onClick={() => void m.duplicate(flow.id)} data-fp="ws-duplicate">
            Duplicate
          </button>
        )}
        <button type="button" class="link" onClick={() => void m.exportFlow(flow.id)} data-fp="ws-export">
          Export
        </button>
        {m.canManage.value && (
          <button type="button" class="link" onClick={() => void m.archive(flow)} data-fp="ws-archive">
            Archive
          </button>
        )}
      </div>
    </li>
  );
}
