import { render } from 'preact';
import { WorkspaceApp } from '../../workspace/WorkspaceApp';
import { createWorkspaceModel } from '../../workspace/workspace-model';
import '../../components/pages.css';
import '../../workspace/workspace.css';

render(<WorkspaceApp model={createWorkspaceModel()} />, document.getElementById('app')!);
