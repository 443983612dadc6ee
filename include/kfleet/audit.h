/* audit: the offset-reset audit log in the catalog, written by `kfleet offsets reset` and
 * `kfleet offsets undo` once the broker has answered, read back by `offsets undo` (what to
 * restore) and listed by `kfleet offsets history` (listing.h, LISTING_OFFSET_RESETS).
 *
 * One entry is one consumer group's reset; a command touching several groups records one
 * entry per group. Entries are never changed once recorded. */
#ifndef KFLEET_AUDIT_H
#define KFLEET_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "kfleet/store.h"

/* One partition of a reset: the committed offset before (-1: none) and after. */
struct audit_partition {
	const char *topic;
	int32_t partition;
	int64_t before;                 /* -1: the group had no committed offset there */
	int64_t after;
	const char *error;              /* NULL: applied; else the broker's refusal in words */
};

/* One group's reset, as executed. */
struct audit_entry {
	int64_t time_ms;
	const char *user, *host, *cluster, *group;
	const char *mode;               /* as typed, e.g. "--to-datetime 2026-11-24T10:00:00Z" */
	int64_t undo_of;                /* the reset this undoes, or 0 */
	const struct audit_partition *partitions;
	size_t partition_count;
};

/* Record ENTRY in one transaction; outcome 'done' when no partition has an error, 'failed'
 * when all have, else 'partial'. Returns the new reset's id (> 0), or -1 with *err set
 * (caller frees). ENTRY stays the caller's. */
int64_t audit_record(struct store *store, const struct audit_entry *entry, char **err);

/* Reset ID as recorded, for `kfleet offsets undo ID`: a new struct (caller frees with
 * audit_entry_free) whose strings and partitions it owns, partitions in the order they were
 * recorded; NULL with *err set (caller frees) when there is no such reset ("catalog PATH:
 * no offset reset 42; see kfleet offsets history") or on error. */
struct audit_entry *audit_get(struct store *store, int64_t id, char **err);

/* Free an entry audit_get made; NULL is allowed. */
void audit_entry_free(struct audit_entry *entry);

#endif
