import './style.css';
import { Api } from './api';
import { App } from './app';
import { render } from './view';

const root = document.getElementById('root')!;
const api = new Api();
const app = new App(api, (a) => render(a, root));
(globalThis as unknown as { parley: App }).parley = app; // for the end-to-end tests and the console
if (api.session) {
  app.enter().catch(() => app.redraw());
}
app.redraw();
