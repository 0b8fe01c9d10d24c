import { render } from 'preact';
import { PopupApp } from '../../components/PopupApp';
import { createPopupModel } from '../../lib/pages/popup-model';
import '../../components/pages.css';

render(<PopupApp model={createPopupModel()} />, document.getElementById('app')!);
