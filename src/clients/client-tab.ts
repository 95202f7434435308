/** Which of a partner's lists of clients: linked now, or ended (its archive). */
export enum ClientTab {
  ACTIVE = 'ACTIVE',
  ARCHIVE = 'ARCHIVE',
}
