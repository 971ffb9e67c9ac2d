/** Drag-and-drop ids of the channel sidebar: `ch:` a channel, `cat:` a category (see ChannelDnd). */
export const channelKey = (id: string) => `ch:${id}`;
export const categoryKey = (id: string) => `cat:${id}`;
