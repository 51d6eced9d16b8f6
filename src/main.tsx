import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startTrainingClient } from './state/trainingClient.ts';
import { startUrlSync } from './state/urlSync.ts';
import { App } from './ui/App.tsx';
import './ui/styles.css';

startUrlSync();
startTrainingClient();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
