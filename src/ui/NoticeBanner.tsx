import { useLab } from '../state/store.ts';

/** Lists every value of a link that was not taken as written; stays until dismissed. */
export function NoticeBanner() {
  const notice = useLab((s) => s.notice);
  const dismiss = useLab((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className="notice" role="alert" data-testid="url-notice">
      <div>
        <strong>{notice.title}:</strong>
        <ul>
          {notice.fixes.map((fix, i) => (
            <li key={`${fix.key}-${i}`}>
              <code>
                {fix.key}={fix.raw}
              </code>{' '}
              — {fix.reason}
              {fix.applied !== '' && (
                <>
                  {' '}
                  (now <code>{fix.applied}</code>)
                </>
              )}
            </li>
          ))}
        </ul>
      </div>
      <button type="button" onClick={dismiss} aria-label="Dismiss notice">
        ×
      </button>
    </div>
  );
}
