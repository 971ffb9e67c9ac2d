import './bot-tag.css';

/** Marks a bot account next to its name; screen readers hear "bot". */
export function BotTag({ bot }: { bot?: boolean }) {
  if (!bot) return null;
  return (
    <span className="bot-tag" title="Bot account">
      BOT
    </span>
  );
}
