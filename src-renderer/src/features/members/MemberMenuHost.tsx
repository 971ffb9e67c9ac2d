import { MemberDialogs, useOpenMemberUi } from './MemberDialogs';
import { MemberMenu } from './MemberMenu';
import { RemovalNotice } from './RemovalNotice';

/** Mounted once in the shell: the open member menu, the dialog it led to, and the kicked / banned notice. */
export function MemberMenuHost() {
  const { menu, dialog, removal } = useOpenMemberUi();
  return (
    <>
      {menu && <MemberMenu key={`${menu.guildId}:${menu.userId}:${menu.source}`} menu={menu} />}
      {dialog && <MemberDialogs key={`${dialog.kind}:${dialog.userId}`} dialog={dialog} />}
      {removal && <RemovalNotice key={removal.guildId} notice={removal} />}
    </>
  );
}
