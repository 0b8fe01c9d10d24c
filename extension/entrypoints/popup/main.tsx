import { render } from 'preact';
import { PopupApp } from '../../components/PopupApp';
import { createPopupModel } from '../../lib/pages/popup-model';
import { createAssistantModel } from '../../lib/pages/assistant-model';
import '../../components/pages.css';

render(<PopupApp model={createPopupModel()} assistant={createAssistantModel()} />, document.getElementById('app')!);
