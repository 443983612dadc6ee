/* kwire: Kafka protocol primitives, encoded into a growing buffer and decoded with
 * every length checked. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "agent/kwire.h"

void
kwire_buf_free(struct kwire_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->length = buf->capacity = 0;
}

void
kwire_put_raw(struct kwire_buf *buf, const void *bytes, size_t length)
{
	if (buf->failed)
		return;
	if (length > buf->capacity - buf->length) {
		size_t capacity = buf->capacity ? buf->capacity : 256;
		unsigned char *grown;

		while (capacity - buf->length < length) {
			if (capacity > SIZE_MAX / 2) {
				buf->failed = true;
				return;
			}
			capacity *= 2;
		}
		grown = realloc(buf->data, capacity);
		if (grown == NULL) {
			buf->failed = true;
			return;
		}
		buf->data = grown;
		buf->capacity = capacity;
	}
	if (length > 0)
		memcpy(buf->data + buf->length, bytes, length);
	buf->length += length;
}

void
kwire_put_i8(struct kwire_buf *buf, int8_t value)
{
	unsigned char byte = (unsigned char)value;

	kwire_put_raw(buf, &byte, 1);
}

void
kwire_put_i16(struct kwire_buf *buf, int16_t value)
{
	uint16_t u = (uint16_t)value;
	unsigned char bytes[2] = { (unsigned char)(u >> 8), (unsigned char)u };

	kwire_put_raw(buf, bytes, 2);
}

void
kwire_put_i32(struct kwire_buf *buf, int32_t value)
{
	uint32_t u = (uint32_t)value;
	unsigned char bytes[4] = { (unsigned char)(u >> 24), (unsigned char)(u >> 16),
		                   (unsigned char)(u >> 8), (unsigned char)u };

	kwire_put_raw(buf, bytes, 4);
}

void
kwire_put_uvarint(struct kwire_buf *buf, uint32_t value)
{
	unsigned char bytes[5];
	size_t n = 0;

	while (value >= 0x80) {
		bytes[n++] = (unsigned char)(value | 0x80);
		value >>= 7;
	}
	bytes[n++] = (unsigned char)value;
	kwire_put_raw(buf, bytes, n);
}

void
kwire_put_array_length(struct kwire_buf *buf, size_t count, bool flexible)
{
	if (count >= INT32_MAX) {
		buf->failed = true;
		return;
	}
	if (flexible)
		kwire_put_uvarint(buf, (uint32_t)count + 1);
	else
		kwire_put_i32(buf, (int32_t)count);
}

void
kwire_put_string(struct kwire_buf *buf, const char *value, bool flexible)
{
	size_t length = value ? strlen(value) : 0;

	if (value == NULL) {
		if (flexible)
			kwire_put_uvarint(buf, 0);
		else
			kwire_put_i16(buf, -1);
		return;
	}
	if (length > INT16_MAX) {
		buf->failed = true;
		return;
	}
	if (flexible)
		kwire_put_uvarint(buf, (uint32_t)length + 1);
	else
		kwire_put_i16(buf, (int16_t)length);
	kwire_put_raw(buf, value, length);
}

void
kwire_put_bytes(struct kwire_buf *buf, const void *bytes, size_t length, bool flexible)
{
	kwire_put_array_length(buf, length, flexible);
	kwire_put_raw(buf, bytes, length);
}

void
kwire_put_no_tags(struct kwire_buf *buf)
{
	kwire_put_uvarint(buf, 0);
}

void
kwire_patch_i32(struct kwire_buf *buf, size_t offset, int32_t value)
{
	uint32_t u = (uint32_t)value;

	if (buf->failed || offset > buf->length || buf->length - offset < 4)
		return;
	buf->data[offset] = (unsigned char)(u >> 24);
	buf->data[offset + 1] = (unsigned char)(u >> 16);
	buf->data[offset + 2] = (unsigned char)(u >> 8);
	buf->data[offset + 3] = (unsigned char)u;
}

void
kwire_reader_init(struct kwire_reader *reader, const void *bytes, size_t length)
{
	reader->at = bytes;
	reader->left = bytes != NULL ? length : 0;
	reader->failed = false;
}

static int
reader_fail(struct kwire_reader *reader)
{
	reader->failed = true;
	reader->left = 0;
	return -1;
}

/* Take N bytes, or fail. */
static const unsigned char *
reader_take(struct kwire_reader *reader, size_t n)
{
	const unsigned char *at = reader->at;

	if (reader->failed || n > reader->left) {
		reader_fail(reader);
		return NULL;
	}
	reader->at += n;
	reader->left -= n;
	return at;
}

static int
reader_get_be(struct kwire_reader *reader, size_t n, uint64_t *value)
{
	const unsigned char *at = reader_take(reader, n);
	uint64_t v = 0;

	if (at == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | at[i];
	*value = v;
	return 0;
}

int
kwire_get_i8(struct kwire_reader *reader, int8_t *value)
{
	uint64_t v;

	if (reader_get_be(reader, 1, &v) < 0)
		return -1;
	*value = (int8_t)(uint8_t)v;
	return 0;
}

int
kwire_get_i16(struct kwire_reader *reader, int16_t *value)
{
	uint64_t v;

	if (reader_get_be(reader, 2, &v) < 0)
		return -1;
	*value = (int16_t)(uint16_t)v;
	return 0;
}

int
kwire_get_i32(struct kwire_reader *reader, int32_t *value)
{
	uint64_t v;

	if (reader_get_be(reader, 4, &v) < 0)
		return -1;
	*value = (int32_t)(uint32_t)v;
	return 0;
}

int
kwire_get_i64(struct kwire_reader *reader, int64_t *value)
{
	uint64_t v;

	if (reader_get_be(reader, 8, &v) < 0)
		return -1;
	*value = (int64_t)v;
	return 0;
}

int
kwire_get_f64(struct kwire_reader *reader, double *value)
{
	uint64_t v;

	if (reader_get_be(reader, 8, &v) < 0)
		return -1;
	memcpy(value, &v, sizeof *value);
	return 0;
}

int
kwire_get_uvarint(struct kwire_reader *reader, uint32_t *value)
{
	uint32_t v = 0;

	for (unsigned shift = 0; shift < 35; shift += 7) {
		const unsigned char *at = reader_take(reader, 1);

		if (at == NULL)
			return -1;
		/* The fifth byte may carry only the top 4 bits of a 32-bit value. */
		if (shift == 28 && (*at & 0xf0) != 0)
			return reader_fail(reader);
		v |= (uint32_t)(*at & 0x7f) << shift;
		if ((*at & 0x80) == 0) {
			*value = v;
			return 0;
		}
	}
	return reader_fail(reader);
}

/* A length: compact (uvarint N+1, 0 = null) or signed (int16/int32, -1 = null).
 * *LENGTH is -1 for null. */
static int
reader_get_length(struct kwire_reader *reader, bool flexible, bool wide, int64_t *length)
{
	if (flexible) {
		uint32_t n;

		if (kwire_get_uvarint(reader, &n) < 0)
			return -1;
		*length = (int64_t)n - 1;
	} else if (wide) {
		int32_t n;

		if (kwire_get_i32(reader, &n) < 0)
			return -1;
		*length = n;
	} else {
		int16_t n;

		if (kwire_get_i16(reader, &n) < 0)
			return -1;
		*length = n;
	}
	if (*length < -1)
		return reader_fail(reader);
	return 0;
}

int
kwire_get_string(struct kwire_reader *reader, bool flexible, bool nullable, const char **data,
                 size_t *length)
{
	int64_t n;
	const unsigned char *at;

	if (reader_get_length(reader, flexible, false, &n) < 0)
		return -1;
	if (n == -1) {
		if (!nullable)
			return reader_fail(reader);
		*data = NULL;
		*length = 0;
		return 0;
	}
	at = reader_take(reader, (size_t)n);
	if (at == NULL)
		return -1;
	*data = (const char *)at;
	*length = (size_t)n;
	return 0;
}

int
kwire_get_bytes(struct kwire_reader *reader, bool flexible, const unsigned char **data,
                size_t *length)
{
	int64_t n;

	if (reader_get_length(reader, flexible, true, &n) < 0)
		return -1;
	if (n == -1) {
		*data = NULL;
		*length = 0;
		return 0;
	}
	*data = reader_take(reader, (size_t)n);
	if (*data == NULL)
		return -1;
	*length = (size_t)n;
	return 0;
}

int
kwire_get_array_length(struct kwire_reader *reader, bool flexible, bool nullable,
                       size_t min_element_size, size_t *count, bool *is_null)
{
	int64_t n;

	if (reader_get_length(reader, flexible, true, &n) < 0)
		return -1;
	*is_null = n == -1;
	*count = 0;
	if (n == -1)
		return nullable ? 0 : reader_fail(reader);
	if (min_element_size == 0)
		min_element_size = 1;
	if ((uint64_t)n > reader->left / min_element_size)
		return reader_fail(reader);
	*count = (size_t)n;
	return 0;
}

int
kwire_skip_tags(struct kwire_reader *reader)
{
	uint32_t count;

	if (kwire_get_uvarint(reader, &count) < 0)
		return -1;
	/* Each tagged field is at least a tag and a size byte. */
	if (count > reader->left / 2)
		return reader_fail(reader);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t tag, size;

		if (kwire_get_uvarint(reader, &tag) < 0 || kwire_get_uvarint(reader, &size) < 0 ||
		    reader_take(reader, size) == NULL)
			return -1;
	}
	return 0;
}

const char *
kwire_error_name(int code)
{
	static const struct {
		int code;
		const char *name;
	} names[] = {
		{ .code = -1, .name = "UNKNOWN_SERVER_ERROR" },
		{ .code = 7, .name = "REQUEST_TIMED_OUT" },
		{ .code = 8, .name = "BROKER_NOT_AVAILABLE" },
		{ .code = 13, .name = "NETWORK_EXCEPTION" },
		{ .code = 29, .name = "TOPIC_AUTHORIZATION_FAILED" },
		{ .code = 30, .name = "GROUP_AUTHORIZATION_FAILED" },
		{ .code = 31, .name = "CLUSTER_AUTHORIZATION_FAILED" },
		{ .code = 33, .name = "UNSUPPORTED_SASL_MECHANISM" },
		{ .code = 34, .name = "ILLEGAL_SASL_STATE" },
		{ .code = 35, .name = "UNSUPPORTED_VERSION" },
		{ .code = 40, .name = "INVALID_CONFIG" },
		{ .code = 41, .name = "NOT_CONTROLLER" },
		{ .code = 42, .name = "INVALID_REQUEST" },
		{ .code = 44, .name = "POLICY_VIOLATION" },
		{ .code = 58, .name = "SASL_AUTHENTICATION_FAILED" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].code == code)
			return names[i].name;
	return NULL;
}
