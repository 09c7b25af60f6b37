/* Copyright (c) Cove authors. See AUTHORS. */

/* The per-IP failure table: a hash table from the address's text form
   (IPv6 masked to /48) to an entry that is also in a list ordered by the
   last failure, newest first, so that the oldest is at the tail, ready
   to expire or to make room. */

#include "lib.h"
#include "hash.h"
#include "llist.h"
#include "auth-penalty.h"

/* IPv6 addresses are counted per network of this many bits. */
#define AUTH_PENALTY_IPV6_MASK_BITS 48

struct auth_penalty_entry {
	struct auth_penalty_entry *prev, *next;
	char *ident;
	unsigned int failures;
	time_t last_failure;
};

struct auth_penalty {
	struct hash_table *table;
	/* newest first */
	struct auth_penalty_entry *head, *tail;
};

struct auth_penalty *auth_penalty_create(void)
{
	struct auth_penalty *penalty = i_new(struct auth_penalty, 1);

	penalty->table = hash_table_create_str(default_pool, false);
	return penalty;
}

static void auth_penalty_entry_free(struct auth_penalty *penalty,
				    struct auth_penalty_entry *entry)
{
	hash_table_remove(penalty->table, entry->ident);
	DLLIST2_REMOVE(&penalty->head, &penalty->tail, entry);
	i_free(entry->ident);
	i_free(entry);
}

void auth_penalty_destroy(struct auth_penalty **_penalty)
{
	struct auth_penalty *penalty = *_penalty;

	*_penalty = NULL;
	while (penalty->head != NULL)
		auth_penalty_entry_free(penalty, penalty->head);
	hash_table_destroy(&penalty->table);
	i_free(penalty);
}

/* The table key of ip (temporary frame). */
static const char *auth_penalty_ident(const struct ip_addr *ip)
{
	struct ip_addr masked = *ip;
	unsigned int i;

	if (masked.family == AF_INET6) {
		for (i = AUTH_PENALTY_IPV6_MASK_BITS / 8;
		     i < sizeof(masked.u.ip6.s6_addr); i++)
			masked.u.ip6.s6_addr[i] = 0;
	}
	return net_ip2addr(&masked);
}

/* Drops the entries whose last failure is too old. */
static void auth_penalty_expire(struct auth_penalty *penalty, time_t now)
{
	while (penalty->tail != NULL &&
	       penalty->tail->last_failure + AUTH_PENALTY_EXPIRE_SECS <= now)
		auth_penalty_entry_free(penalty, penalty->tail);
}

unsigned int auth_penalty_get(struct auth_penalty *penalty,
			      const struct ip_addr *ip, time_t now)
{
	struct auth_penalty_entry *entry;
	unsigned int failures = 0;

	auth_penalty_expire(penalty, now);
	T_BEGIN {
		entry = hash_table_lookup(penalty->table,
					  auth_penalty_ident(ip));
		if (entry != NULL)
			failures = entry->failures;
	} T_END;
	return failures;
}

void auth_penalty_add_failure(struct auth_penalty *penalty,
			      const struct ip_addr *ip, time_t now)
{
	struct auth_penalty_entry *entry;

	auth_penalty_expire(penalty, now);
	T_BEGIN {
		const char *ident = auth_penalty_ident(ip);

		entry = hash_table_lookup(penalty->table, ident);
		if (entry != NULL) {
			DLLIST2_REMOVE(&penalty->head, &penalty->tail, entry);
		} else {
			if (hash_table_count(penalty->table) >=
			    AUTH_PENALTY_MAX_IPS)
				auth_penalty_entry_free(penalty,
							penalty->tail);
			entry = i_new(struct auth_penalty_entry, 1);
			entry->ident = i_strdup(ident);
			hash_table_update(penalty->table, entry->ident, entry);
		}
	} T_END;
	/* the count only needs to reach the longest delay */
	if (auth_penalty_to_secs(entry->failures, 1) < AUTH_PENALTY_MAX_SECS)
		entry->failures++;
	entry->last_failure = now;
	DLLIST2_PREPEND(&penalty->head, &penalty->tail, entry);
}

void auth_penalty_reset(struct auth_penalty *penalty,
			const struct ip_addr *ip)
{
	struct auth_penalty_entry *entry;

	T_BEGIN {
		entry = hash_table_lookup(penalty->table,
					  auth_penalty_ident(ip));
		if (entry != NULL)
			auth_penalty_entry_free(penalty, entry);
	} T_END;
}

unsigned int auth_penalty_to_secs(unsigned int failures,
				  unsigned int base_secs)
{
	unsigned int secs = base_secs;

	if (failures == 0)
		return 0;
	for (; failures > 1 && secs < AUTH_PENALTY_MAX_SECS; failures--)
		secs *= 2;
	return I_MIN(secs, AUTH_PENALTY_MAX_SECS);
}

unsigned int auth_penalty_count(const struct auth_penalty *penalty)
{
	return hash_table_count(penalty->table);
}
