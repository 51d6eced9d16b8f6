import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startRouting } from './ui/route.ts';
import { Root } from './ui/Root.tsx';
import './ui/styles.css';

// The view of the link: the lab starts its URL sync and live training when it is first shown.
startRouting();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
