/* reset_file: the reset-plan CSV of `kafka-consumer-groups.sh --export` and
 * `--from-file`, which `kfleet offsets reset --export` writes and `--from-file` reads, so
 * that plans move between the two tools. No header line; `topic,partition,offset` for
 * one group, `group,topic,partition,offset` for several. libcsv reads and writes it. */
#ifndef KFLEET_RESET_FILE_H
#define KFLEET_RESET_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The largest plan reset_file_read takes. */
#define RESET_FILE_MAX_BYTES (64 * 1024 * 1024)

struct reset_file_row {
	char *group;                    /* NULL in the one-group form */
	char *topic;
	int32_t partition;
	int64_t offset;
};

struct reset_file {
	struct reset_file_row *rows;
	size_t count;
	bool has_groups;                /* the four-column form */
};

/* Parse DATA (SIZE bytes) read from NAME (for messages). Every line must have the same
 * form (3 or 4 fields); empty lines are skipped; a trailing newline is optional; CRLF is
 * accepted. Errors are one line "NAME:LINE: what is wrong; what to write", e.g.
 * "plan.csv:3: partition `x` is not a number; write topic,partition,offset". Partition
 * 0..INT32_MAX, offset 0..INT64_MAX, topic names validated as Kafka does (1..249 chars of
 * [a-zA-Z0-9._-]), group ids non-empty. Duplicate (group, topic, partition) is an error
 * naming both lines. Returns 0 and *OUT (caller frees with reset_file_free), or -1 and *ERR
 * (caller frees).
 * Fields are taken byte for byte: no space is trimmed (a group id may hold spaces), a
 * field may be quoted as RFC 4180 says, and anything else around quotes is an error. A
 * plan without a row, a NUL byte, `.` or `..` as a topic are errors too. Rows keep the
 * file's order. *ERR is NULL only when out of memory; a message shows at most 64 bytes of
 * a field, control characters as \xNN. */
int reset_file_parse(const char *data, size_t size, const char *name, struct reset_file **out,
                     char **err);

/* Read PATH ("-": standard input) and parse it; a file over 64 MiB is refused. Messages
 * name PATH, or "standard input"; one that cannot be read gives "PATH: strerror". */
int reset_file_read(const char *path, struct reset_file **out, char **err);

/* Free FILE and its rows; NULL is a no-op. */
void reset_file_free(struct reset_file *file);

/* Write COUNT rows to OUT in the form WITH_GROUPS says, quoted by libcsv where needed,
 * "\n" line ends. Returns 0, or -1 on a write error. OUT is flushed, so that an error of
 * the last write shows; WITH_GROUPS needs every row's group. */
int reset_file_write(FILE *out, const struct reset_file_row *rows, size_t count, bool with_groups);

#endif
