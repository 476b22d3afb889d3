/* The Ethernet driver's protocol (SVC_ETH, private: only the network stack
 * calls it). Frames travel in batches, each a record of a 16-bit length
 * (little-endian, as everything here) and the frame's bytes, the next
 * record starting at the next even offset: one request moves many frames,
 * so a server pays one IPC per batch, not per frame. Frames carry no FCS
 * (the device adds and strips it). */
#ifndef ABI_ETH_H
#define ABI_ETH_H

#include <stdint.h>

#define ETH_FRAME_MAX 1514  /* header + 1500 bytes of payload */
#define ETH_BATCH_MAX 16384 /* the largest grant of a batch */

#define ETH_SEND 1 /* grant R: w[0] records -> records taken (the rest: ring full) */
#define ETH_RECV 2 /* grant W: room for records -> records written; w[0] bytes used */
#define ETH_INFO                                                                                   \
	3 /* -> 0; w[0] MAC bytes 0-3, w[1] bytes 4-5, w[2] link up, and
		    * w[3] frames in, w[4] frames out, w[5] dropped in (no buffer:
		    * the device's missed-packets count, summed), w[6] frames
		    * dropped out (ring full), w[7] interrupts, w[8] the device is
		    * present, w[9] bad frames in (an error bit, split or too
		    * short or long: dropped) */

/* Size of one record holding a frame of len bytes. */
static inline uint32_t eth_record_size(uint32_t len)
{
	return (2 + len + 1) & ~1u;
}

#endif
