// SPDX-License-Identifier: Apache-2.0
import { render } from 'preact';
import { restoreSession } from './api/session';
import { App } from './app';
import './styles.css';

const root = document.getElementById('app');
// A stored token is checked before the first screen so a reload keeps the user logged in.
const start = () => root && render(<App />, root);
restoreSession().then(start, start);
