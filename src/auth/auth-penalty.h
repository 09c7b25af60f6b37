/* Copyright (c) Cove authors. See AUTHORS. */
#ifndef AUTH_PENALTY_H
#define AUTH_PENALTY_H

/* Per-IP penalty for failed authentications (what Dovecot calls the auth
   penalty). Every failed authentication from a remote address adds one
   to its failure count; a new request from an address with failures
   waits auth_penalty_to_secs() before its mechanism runs, and a success
   forgets the address. IPv6 addresses count per /48 network, so that one
   host cannot escape by changing its low address bits.

   The table is bounded: it holds at most AUTH_PENALTY_MAX_IPS addresses
   (an LRU: a new address pushes out the one idle longest), and an
   address idle for AUTH_PENALTY_EXPIRE_SECS is forgotten. */

#include "net.h"

/* The longest delay, as Dovecot's. */
#define AUTH_PENALTY_MAX_SECS 15
/* About 100 bytes each: at most about 1 MB of memory. An attacker with
   more addresses than this gets some of them forgotten early, which only
   weakens the penalty, never blocks a legitimate user. */
#define AUTH_PENALTY_MAX_IPS 10000
/* An address without failures for an hour starts afresh. */
#define AUTH_PENALTY_EXPIRE_SECS (60 * 60)

struct auth_penalty;

struct auth_penalty *auth_penalty_create(void);
void auth_penalty_destroy(struct auth_penalty **penalty);

/* Returns the number of failures recorded for ip (0 if none, or if the
   last one is older than AUTH_PENALTY_EXPIRE_SECS at now). */
unsigned int auth_penalty_get(struct auth_penalty *penalty,
			      const struct ip_addr *ip, time_t now);
/* Records a failed authentication from ip at now. */
void auth_penalty_add_failure(struct auth_penalty *penalty,
			      const struct ip_addr *ip, time_t now);
/* Forgets ip's failures (a successful authentication). */
void auth_penalty_reset(struct auth_penalty *penalty,
			const struct ip_addr *ip);
/* The delay for a request after failures: 0 without failures, else
   base_secs doubled for each failure after the first, at most
   AUTH_PENALTY_MAX_SECS (base 2: 2, 4, 8, 15, 15, ...). */
unsigned int auth_penalty_to_secs(unsigned int failures,
				  unsigned int base_secs);
/* Number of addresses in the table. */
unsigned int auth_penalty_count(const struct auth_penalty *penalty);

#endif
