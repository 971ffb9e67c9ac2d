import type { ScreenPickRequest } from '@shared/ipc/contract';
import { useEffect, useId, useRef, useState } from 'react';
import { settingsStore } from '../../app/services';
import { platform } from '../../platform/platform';
import { Dialog } from '../../ui/Dialog';
import { initialSelection, moveInGrid, PICKER_COLUMNS, pickerSections } from './screen-picker-model';

/**
 * The desktop app's screen-share picker, mounted once at the app root. Main asks for it when the page calls
 * getDisplayMedia (src-main/media/screen-picker.ts) and waits for the answer; on the web it renders nothing (the
 * browser has its own picker).
 */
export function ScreenPickerHost() {
  const picker = platform().screenPicker;
  const [request, setRequest] = useState<ScreenPickRequest | null>(null);
  useEffect(() => {
    if (!picker) return;
    const offRequest = picker.onRequest((r) => setRequest(r));
    const offCancelled = picker.onCancelled((id) => setRequest((current) => (current?.requestId === id ? null : current)));
    return () => {
      offRequest();
      offCancelled();
    };
  }, [picker]);
  if (!picker || !request) return null;
  return (
    <ScreenPickerDialog
      key={request.requestId}
      request={request}
      defaultAudio={settingsStore.getState().screenAudio}
      onAnswer={(sourceId, audio) => {
        setRequest(null);
        void picker.choose({ requestId: request.requestId, sourceId, audio });
      }}
    />
  );
}

/**
 * Screens then windows as a grid of thumbnails (a radio group: arrow keys move, Enter shares the focused one, Tab goes
 * on to the audio switch and the buttons), "Include audio" where main can capture system audio, Share / Cancel.
 * Escape, the close button and the backdrop cancel.
 */
export function ScreenPickerDialog({
  request,
  defaultAudio,
  onAnswer,
}: {
  request: ScreenPickRequest;
  defaultAudio: boolean;
  onAnswer: (sourceId: string | null, audio: boolean) => void;
}) {
  const { all } = pickerSections(request.sources);
  const [selected, setSelected] = useState<string | null>(() => initialSelection(request.sources));
  const [audio, setAudio] = useState(defaultAudio);
  const gridRef = useRef<HTMLDivElement>(null);
  const audioId = useId();
  const hintId = useId();
  const withAudio = request.audioSupported && audio;
  const share = (id: string | null) => {
    if (id) onAnswer(id, withAudio);
  };

  const select = (index: number) => {
    const source = all[index];
    if (!source) return;
    setSelected(source.id);
    gridRef.current?.querySelector<HTMLElement>(`[data-source-id="${CSS.escape(source.id)}"]`)?.focus();
  };

  return (
    <Dialog open onClose={() => onAnswer(null, false)} title="Share your screen" size="wide" describedBy={hintId} className="screen-picker">
      <div className="screen-picker-body">
        <p id={hintId} className="muted small">
          Choose a screen or a window. Use the arrow keys to move and Enter to share.
        </p>
        {all.length === 0 ? (
          <p role="status">No screens or windows can be shared right now.</p>
        ) : (
          <div
            ref={gridRef}
            className="screen-picker-grid"
            role="radiogroup"
            aria-label="Screens and windows"
            onKeyDown={(e) => {
              const current = all.findIndex((s) => s.id === selected);
              // As many per row as the grid shows now (fewer on a narrow window).
              const columns = getComputedStyle(e.currentTarget).gridTemplateColumns.split(' ').filter(Boolean).length || PICKER_COLUMNS;
              const next = moveInGrid(all.length, current, e.key, columns);
              if (next === null) return;
              e.preventDefault();
              select(next);
            }}
          >
            {all.map((source) => {
              const checked = source.id === selected;
              return (
                <button
                  key={source.id}
                  type="button"
                  role="radio"
                  aria-checked={checked}
                  data-source-id={source.id}
                  data-autofocus={checked ? '' : undefined}
                  tabIndex={checked || (selected === null && source === all[0]) ? 0 : -1}
                  className={`screen-source${checked ? ' selected' : ''}`}
                  onClick={() => setSelected(source.id)}
                  onDoubleClick={() => share(source.id)}
                  onKeyDown={(e) => {
                    if (e.key !== 'Enter') return;
                    // Enter shares; Space (the button's click) only selects.
                    e.preventDefault();
                    share(source.id);
                  }}
                >
                  <span className="screen-source-thumb">
                    {source.thumbnail ? <img src={source.thumbnail} alt="" /> : <span className="screen-source-empty" aria-hidden="true" />}
                  </span>
                  <span className="screen-source-name">
                    {source.appIcon && <img src={source.appIcon} alt="" className="screen-source-icon" />}
                    <span className="sr-only">{source.kind === 'screen' ? 'Screen: ' : 'Window: '}</span>
                    <span className="screen-source-label">{source.name || (source.kind === 'screen' ? 'Screen' : 'Untitled window')}</span>
                  </span>
                </button>
              );
            })}
          </div>
        )}
        {request.audioSupported && (
          <div className="toggle-row">
            <div>
              <label htmlFor={audioId}>Include audio</label>
              <p className="muted small">Everyone watching hears what your computer plays.</p>
            </div>
            <input
              id={audioId}
              type="checkbox"
              role="switch"
              className="switch"
              checked={audio}
              onChange={(e) => setAudio(e.target.checked)}
            />
          </div>
        )}
        <div className="confirm-actions">
          <button type="button" className="btn secondary" onClick={() => onAnswer(null, false)}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={selected === null} onClick={() => share(selected)}>
            Share
          </button>
        </div>
      </div>
    </Dialog>
  );
}
