/* kwire: Kafka protocol primitives for the agent's own requests (librdkafka has no
 * DescribeClientQuotas): a growing buffer that encodes them, and a reader that decodes
 * them with every length checked against the bytes actually there.
 *
 * "Flexible" versions (KIP-482) use compact strings and arrays (unsigned varint length
 * + 1, 0 = null) and end every structure with tagged fields. */
#ifndef KFLEET_KWIRE_H
#define KFLEET_KWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An encoding buffer. After an allocation failure every put is a no-op and FAILED is
 * set; check it once at the end. DATA is owned (kwire_buf_free). */
struct kwire_buf {
	unsigned char *data;
	size_t length;
	size_t capacity;
	bool failed;
};

void kwire_buf_free(struct kwire_buf *buf);
void kwire_put_raw(struct kwire_buf *buf, const void *bytes, size_t length);
void kwire_put_i8(struct kwire_buf *buf, int8_t value);
void kwire_put_i16(struct kwire_buf *buf, int16_t value);
void kwire_put_i32(struct kwire_buf *buf, int32_t value);
void kwire_put_uvarint(struct kwire_buf *buf, uint32_t value);
/* A string, NULL encoded as null; compact (flexible) or with an int16 length. */
void kwire_put_string(struct kwire_buf *buf, const char *value, bool flexible);
/* Bytes: compact (flexible) or with an int32 length. */
void kwire_put_bytes(struct kwire_buf *buf, const void *bytes, size_t length, bool flexible);
/* An array's length: compact (flexible) or int32. */
void kwire_put_array_length(struct kwire_buf *buf, size_t count, bool flexible);
/* No tagged fields (flexible versions only). */
void kwire_put_no_tags(struct kwire_buf *buf);
/* Overwrite 4 bytes at OFFSET with VALUE, big-endian (the request's size prefix). */
void kwire_patch_i32(struct kwire_buf *buf, size_t offset, int32_t value);

/* A decoding cursor over bytes it does not own. Every get returns 0, or -1 when the
 * bytes end or a length is impossible; then the cursor is spent (FAILED stays set). */
struct kwire_reader {
	const unsigned char *at;
	size_t left;
	bool failed;
};

void kwire_reader_init(struct kwire_reader *reader, const void *bytes, size_t length);
int kwire_get_i8(struct kwire_reader *reader, int8_t *value);
int kwire_get_i16(struct kwire_reader *reader, int16_t *value);
int kwire_get_i32(struct kwire_reader *reader, int32_t *value);
int kwire_get_i64(struct kwire_reader *reader, int64_t *value);
int kwire_get_f64(struct kwire_reader *reader, double *value);
int kwire_get_uvarint(struct kwire_reader *reader, uint32_t *value);
/* A string or bytes: *DATA points into the reader's bytes (not terminated), *DATA NULL
 * for null. A null is refused unless NULLABLE. */
int kwire_get_string(struct kwire_reader *reader, bool flexible, bool nullable,
                     const char **data, size_t *length);
int kwire_get_bytes(struct kwire_reader *reader, bool flexible, const unsigned char **data,
                    size_t *length);
/* An array's element count; *IS_NULL for a null array (refused unless NULLABLE). A count
 * larger than the bytes left, at MIN_ELEMENT_SIZE bytes per element, is refused, so
 * callers can allocate COUNT elements safely. */
int kwire_get_array_length(struct kwire_reader *reader, bool flexible, bool nullable,
                           size_t min_element_size, size_t *count, bool *is_null);
/* Skip a structure's tagged fields (flexible versions). */
int kwire_skip_tags(struct kwire_reader *reader);

/* The name of Kafka error code CODE, e.g. "CLUSTER_AUTHORIZATION_FAILED", or NULL when
 * this table does not know it. */
const char *kwire_error_name(int code);

#endif
