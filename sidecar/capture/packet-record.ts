/** One captured frame: its link type, capture time and bytes, as a view into the capture buffer (no copy). */

export type PacketRecord = {
  /** Capture time, epoch milliseconds (fractional below a millisecond). */
  ts: number;
  /** LINKTYPE_* value from the file header (pcap) or the interface description (pcapng). */
  linkType: number;
  data: Uint8Array;
  /** Length on the wire; larger than `data.length` when the snap length cut the frame. */
  originalLength: number;
  /** Byte offset of the record in the capture, for messages. */
  offset: number;
};
