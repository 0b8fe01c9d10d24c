// A valid flow draft for the Anthropic fake to answer the flow builder with (API tests and the builder's e2e).
export const modelFlow = {
  kind: 'troubleshooting',
  title: 'Teams camera not detected',
  description: 'Camera missing in Microsoft Teams.',
  tags: ['teams', 'camera'],
  graph: {
    start: 'other_apps',
    nodes: [
      { id: 'other_apps', kind: 'question', title: 'Does the camera work in the Camera app?', options: [{ id: 'yes', label: 'Yes', next: 'teams_settings' }, { id: 'no', label: 'No', next: 'privacy' }] },
      { id: 'privacy', kind: 'check', title: 'Check Windows camera privacy settings', options: [{ id: 'fixed', label: 'Fixed', next: 'done' }, { id: 'still', label: 'Still missing', next: 'escalate' }] },
      { id: 'teams_settings', kind: 'action', title: 'Select the camera in Teams device settings', options: [{ id: 'fixed', label: 'Fixed', next: 'done' }, { id: 'still', label: 'Still missing', next: 'escalate' }] },
      { id: 'done', kind: 'solution', title: 'Camera works', options: [] },
      { id: 'escalate', kind: 'escalate', title: 'Escalate to the desktop team', options: [] },
    ],
  },
};
