import type { SVGProps } from 'react';

/** Inline SVG icons (no icon font, no network): 24×24 viewBox, currentColor. Decorative unless given a title. */
type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function make(paths: string[], opts: { stroke?: boolean } = {}) {
  return function Icon({ size = 20, ...rest }: IconProps) {
    return (
      <svg
        width={size}
        height={size}
        viewBox="0 0 24 24"
        aria-hidden="true"
        focusable="false"
        fill={opts.stroke ? 'none' : 'currentColor'}
        stroke={opts.stroke ? 'currentColor' : undefined}
        strokeWidth={opts.stroke ? 2 : undefined}
        strokeLinecap="round"
        strokeLinejoin="round"
        {...rest}
      >
        {paths.map((d) => (
          <path key={d} d={d} />
        ))}
      </svg>
    );
  };
}

export const HashIcon = make(['M10 3 8 21', 'M16 3l-2 18', 'M4 9h17', 'M3 15h17'], { stroke: true });
export const ChatIcon = make(['M4 5h16v11H10l-6 4z'], { stroke: true });
export const ArrowLeftIcon = make(['M19 12H5', 'M12 19l-7-7 7-7'], { stroke: true });
export const SpeakerIcon = make(['M11 5 6 9H2v6h4l5 4V5z', 'M15.5 8.5a5 5 0 0 1 0 7', 'M19 5a10 10 0 0 1 0 14'], { stroke: true });
export const MicIcon = make(['M12 2a3 3 0 0 0-3 3v7a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3z', 'M19 10v2a7 7 0 0 1-14 0v-2', 'M12 19v3'], {
  stroke: true,
});
export const MicOffIcon = make(
  [
    'M2 2l20 20',
    'M9 9v3a3 3 0 0 0 5.1 2.1',
    'M15 9.3V5a3 3 0 0 0-5.9-.6',
    'M17 16.9A7 7 0 0 1 5 12v-2',
    'M19 10v2c0 .8-.1 1.5-.4 2.2',
    'M12 19v3',
  ],
  { stroke: true },
);
export const HeadphonesIcon = make(['M3 18v-6a9 9 0 0 1 18 0v6', 'M21 19a2 2 0 0 1-2 2h-1v-6h3z', 'M3 19a2 2 0 0 0 2 2h1v-6H3z'], {
  stroke: true,
});
export const HeadphonesOffIcon = make(
  ['M2 2l20 20', 'M3 18v-6a9 9 0 0 1 2.6-6.4', 'M8.5 3.7A9 9 0 0 1 21 12v4', 'M3 19a2 2 0 0 0 2 2h1v-6H3z', 'M18 15h3v4'],
  { stroke: true },
);
export const EyeIcon = make(['M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z', 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z'], {
  stroke: true,
});
export const VideoCameraIcon = make(['M3 7h12v10H3z', 'M15 10l6-3v10l-6-3'], { stroke: true });
export const GearIcon = make(
  [
    'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
    'M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
  ],
  { stroke: true },
);
export const PlusIcon = make(['M12 5v14', 'M5 12h14'], { stroke: true });
export const HangUpIcon = make(
  [
    'M10.7 13.3a16 16 0 0 0 3.4 2.6l1.3-1.3a2 2 0 0 1 2.1-.4 12.8 12.8 0 0 0 2.8.7 2 2 0 0 1 1.7 2V20a2 2 0 0 1-2.2 2A19.8 19.8 0 0 1 3.1 5.2 2 2 0 0 1 5.1 3h3a2 2 0 0 1 2 1.7c.1.9.4 1.9.7 2.8a2 2 0 0 1-.4 2.1L9.1 10.9',
    'M22 2 2 22',
  ],
  { stroke: true },
);
const PHONE =
  'M22 16.9v3a2 2 0 0 1-2.2 2A19.8 19.8 0 0 1 2.1 4.2 2 2 0 0 1 4.1 2h3a2 2 0 0 1 2 1.7c.1.9.4 1.9.7 2.8a2 2 0 0 1-.4 2.1L8.1 9.9a16 16 0 0 0 6 6l1.3-1.3a2 2 0 0 1 2.1-.4c.9.3 1.9.6 2.8.7a2 2 0 0 1 1.7 2z';
export const PhoneIcon = make([PHONE], { stroke: true });
export const PhoneIncomingIcon = make([PHONE, 'M16 2v6h6', 'M23 1l-7 7'], { stroke: true });
export const PhoneOutgoingIcon = make([PHONE, 'M23 7V1h-6', 'M16 8l7-7'], { stroke: true });
export const SignalIcon = make(['M2 20h.01', 'M7 20v-4', 'M12 20v-8', 'M17 20V8', 'M22 4v16'], { stroke: true });
export const UsersIcon = make(
  [
    'M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2',
    'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
    'M22 21v-2a4 4 0 0 0-3-3.9',
    'M16 3.1a4 4 0 0 1 0 7.8',
  ],
  { stroke: true },
);
export const ChevronIcon = make(['M6 9l6 6 6-6'], { stroke: true });
export const CloseIcon = make(['M18 6 6 18', 'M6 6l12 12'], { stroke: true });
export const PencilIcon = make(['M12 20h9', 'M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z'], { stroke: true });
export const TrashIcon = make(['M3 6h18', 'M8 6V4h8v2', 'M19 6l-1 14H6L5 6'], { stroke: true });
export const MarkUnreadIcon = make(['M4 4h16v12H5.2L4 17.2z', 'M8 8h8', 'M8 12h5'], { stroke: true });
export const InviteIcon = make(
  ['M16 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2', 'M8.5 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z', 'M20 8v6', 'M23 11h-6'],
  { stroke: true },
);
export const CompassIcon = make(['M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20z', 'M16.2 7.8l-2.1 6.3-6.3 2.1 2.1-6.3z'], { stroke: true });
export const RecordIcon = make(['M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10z']);
export const ChannelsIcon = make(['M3 6h18', 'M3 12h18', 'M3 18h18'], { stroke: true });
export const ReplyIcon = make(['M9 14 4 9l5-5', 'M4 9h10.5a5.5 5.5 0 0 1 0 11H11'], { stroke: true });
export const PinIcon = make(['M12 17v5', 'M9 3h6l-1 7 4 4H6l4-4z'], { stroke: true });
/** A clock with an arrow back: edit history. */
export const HistoryIcon = make(['M3 12a9 9 0 1 0 3-6.7L3 8', 'M3 3v5h5', 'M12 7v5l3 2'], { stroke: true });
export const SearchIcon = make(['M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16z', 'M21 21l-4.35-4.35'], { stroke: true });
export const PaperclipIcon = make(
  ['M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9'],
  {
    stroke: true,
  },
);
export const FileIcon = make(['M14 3H6v18h12V7z', 'M14 3v4h4'], { stroke: true });
