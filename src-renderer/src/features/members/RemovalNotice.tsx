import { useId } from 'react';
import { membersStore } from '../../app/services';
import { Dialog } from '../../ui/Dialog';
import type { RemovalNotice as Notice } from './members.store';

/** What a kicked or banned user sees: which server, and for a ban the moderator's reason. */
export function RemovalNotice({ notice }: { notice: Notice }) {
  const descId = useId();
  const dismiss = () => membersStore.getState().dismissRemoval(notice.guildId);
  const banned = notice.kind === 'banned';
  return (
    <Dialog
      open
      title={banned ? `You were banned from ${notice.guildName}` : `You were kicked from ${notice.guildName}`}
      onClose={dismiss}
      role="alertdialog"
      describedBy={descId}
      className="member-dialog removal-notice"
    >
      <div className="modal-body" data-removal={notice.kind}>
        <div id={descId}>
          {banned ? (
            <>
              <p>A moderator banned you from this server. You cannot rejoin it unless they lift the ban.</p>
              <p className="removal-reason">
                <strong>Reason: </strong>
                {notice.reason ?? 'No reason given.'}
              </p>
            </>
          ) : (
            <p>A moderator removed you from this server. You can rejoin it if someone sends you a new invite.</p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn primary" data-autofocus="" onClick={dismiss}>
            OK
          </button>
        </div>
      </div>
    </Dialog>
  );
}
