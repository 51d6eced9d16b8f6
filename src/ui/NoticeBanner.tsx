import { summarizeFixes } from '../config/index.ts';
import { useLab } from '../state/store.ts';

/**
 * Lists the values of a link that were not taken as written; stays until dismissed. However long
 * the link, the notice stays a few lines: the first fixes, each key and value clipped, and a count
 * of the rest.
 */
export function NoticeBanner() {
  const notice = useLab((s) => s.notice);
  const dismiss = useLab((s) => s.dismissNotice);
  if (!notice) return null;
  const { shown, more } = summarizeFixes(notice.fixes);
  return (
    <div className="notice" role="alert" data-testid="url-notice">
      <div>
        <strong>{notice.title}:</strong>
        <ul>
          {shown.map((fix, i) => (
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
          {more > 0 && (
            <li className="notice-more">
              and {more} more {more === 1 ? 'change' : 'changes'}
            </li>
          )}
        </ul>
      </div>
      <button type="button" onClick={dismiss} aria-label="Dismiss notice">
        ×
      </button>
    </div>
  );
}
