import { useCalls } from '../../app/services';
import { HistoryIcon } from '../../ui/icons';

/**
 * The Home list's "Calls" entry, badged with my unseen missed calls until I open the history.
 *
 * @example
 * <CallsNavEntry selected={tab === 'calls'} onSelect={() => setTab('calls')} />
 */
export function CallsNavEntry({ selected, onSelect }: { selected: boolean; onSelect: () => void }) {
  const unseen = useCalls((s) => s.unseenMissed);
  return (
    <button
      type="button"
      className={`calls-nav-entry${selected ? ' selected' : ''}`}
      aria-current={selected ? 'page' : undefined}
      onClick={onSelect}
    >
      <HistoryIcon size={20} />
      <span>Calls</span>
      {unseen > 0 && (
        <span className="badge inline" aria-label={`${unseen} missed ${unseen === 1 ? 'call' : 'calls'}`}>
          {unseen}
        </span>
      )}
    </button>
  );
}
