/* cluster_config: one cluster's configuration file, `key = value` lines. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kfleet/cluster_config.h"
#include "kfleet/strfmt.h"
#include "kafka/cluster_config_parse.h"

/* A cluster config is a few lines and a secret file a key or a CA bundle at most: a
 * larger file is a mistake (a log, a device), not something to read into memory. */
#define CLUSTER_CONFIG_MAX_BYTES (1024 * 1024)
#define CLUSTER_CONFIG_KAFKA_PREFIX "kafka."
#define CLUSTER_CONFIG_SYSTEM_DIR "/etc/kfleet/clusters"

struct cluster_config_parser;

/* How one of kfleet's own keys is parsed: VALUE, set on LINE, into the struct
 * cluster_config field at FIELD. Returns 0, or -1 after cluster_config_fail. */
typedef int cluster_config_parse_fn(struct cluster_config_parser *parser, unsigned line,
                                    const char *key, const char *value, void *field);

struct cluster_config_field {
	const char *key;
	size_t offset;              /* of the field in struct cluster_config */
	cluster_config_parse_fn *parse;
	int secret;                 /* an @file holding it must be private */
};

static cluster_config_parse_fn cluster_config_parse_name, cluster_config_parse_text,
	cluster_config_parse_period, cluster_config_parse_listen, cluster_config_parse_window;

static const struct cluster_config_field cluster_config_fields[] = {
	{ .key = "cluster", .offset = offsetof(struct cluster_config, cluster),
	  .parse = cluster_config_parse_name },
	{ .key = "catalog", .offset = offsetof(struct cluster_config, catalog),
	  .parse = cluster_config_parse_text },
	{ .key = "interval", .offset = offsetof(struct cluster_config, interval_ms),
	  .parse = cluster_config_parse_period },
	{ .key = "history", .offset = offsetof(struct cluster_config, history_ms),
	  .parse = cluster_config_parse_period },
	{ .key = "lag.window", .offset = offsetof(struct cluster_config, lag_window),
	  .parse = cluster_config_parse_window },
	{ .key = "lag.stopped_after", .offset = offsetof(struct cluster_config, lag_stopped_after_ms),
	  .parse = cluster_config_parse_period },
	{ .key = "listen", .offset = offsetof(struct cluster_config, listen),
	  .parse = cluster_config_parse_listen },
	{ .key = "http.token", .offset = offsetof(struct cluster_config, http_token),
	  .parse = cluster_config_parse_text, .secret = 1 },
};

#define CLUSTER_CONFIG_VALID_KEYS \
	"cluster, catalog, interval, history, lag.window, lag.stopped_after, listen, " \
	"http.token, " \
	"and kafka.* for librdkafka properties"

/* What a parse is working on. */
struct cluster_config_parser {
	const char *path;
	struct cluster_config *config;
	size_t key_capacity;
	size_t kafka_capacity;
	int failed;
	char *err;                  /* the first error, "PATH:LINE: ..." (NULL if out of memory) */
};

/* Record the parse's error as "PATH:LINE: MESSAGE" ("PATH: MESSAGE" for line 0) and take
 * MESSAGE. One line, always: a line break in it (a value quoted from a file or with a
 * carriage return, a name) becomes a space. Returns -1. */
static int
cluster_config_fail_with(struct cluster_config_parser *parser, unsigned line, char *message)
{
	if (!parser->failed) {
		const char *what = message != NULL ? message : "out of memory";
		int n = line > 0 ? asprintf(&parser->err, "%s:%u: %s", parser->path, line, what)
		                 : asprintf(&parser->err, "%s: %s", parser->path, what);

		if (n < 0)
			parser->err = NULL;
		for (char *c = parser->err; c != NULL && *c != '\0'; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		parser->failed = 1;
	}
	free(message);
	return -1;
}

static int cluster_config_fail(struct cluster_config_parser *parser, unsigned line,
                               const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same with a message formatted from FMT. */
static int
cluster_config_fail(struct cluster_config_parser *parser, unsigned line, const char *fmt, ...)
{
	va_list ap;
	char *message = NULL;

	va_start(ap, fmt);
	message = strfmt_v(fmt, ap);
	va_end(ap);
	return cluster_config_fail_with(parser, line, message);
}

/* strerror, or what a file over the size limit is. */
static const char *
cluster_config_strerror(int error)
{
	return error == EFBIG ? "larger than 1 MiB" : strerror(error);
}

/* Read the file PATH, at most CLUSTER_CONFIG_MAX_BYTES, into a new NUL-terminated buffer
 * (caller frees); *MODE gets its permissions. Returns 0, or -1 with errno set (EFBIG
 * when it is too large). */
static int
cluster_config_read_file(const char *path, char **text, size_t *len, mode_t *mode)
{
	struct stat st;
	size_t size = 0, capacity = 4096;
	char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), error = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		error = errno;
	while (error == 0) {
		ssize_t n;

		if (size == capacity || buf == NULL) {
			char *grown;

			if (buf != NULL)
				capacity *= 2;
			if ((grown = realloc(buf, capacity + 1)) == NULL) {
				error = errno;
				break;
			}
			buf = grown;
		}
		n = read(fd, buf + size, capacity - size);
		if (n < 0 && errno != EINTR)
			error = errno;
		else if (n == 0)
			break;
		else if (n > 0 && (size += (size_t)n) > CLUSTER_CONFIG_MAX_BYTES)
			error = EFBIG;
	}
	close(fd);
	if (error != 0) {
		free(buf);
		errno = error;
		return -1;
	}
	buf[size] = '\0';
	*text = buf;
	*len = size;
	*mode = st.st_mode;
	return 0;
}

/* Whether TEXT is one or more of [A-Za-z0-9._-]. */
static int
cluster_config_is_name(const char *text)
{
	return text[0] != '\0' &&
	       text[strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                         "0123456789._-")] == '\0';
}

static int
cluster_config_parse_text(struct cluster_config_parser *parser, unsigned line,
                          const char *key, const char *value, void *field)
{
	(void)key;
	if ((*(char **)field = strdup(value)) == NULL)
		return cluster_config_fail(parser, line, "out of memory");
	return 0;
}

static int
cluster_config_parse_name(struct cluster_config_parser *parser, unsigned line,
                          const char *key, const char *value, void *field)
{
	if (!cluster_config_is_name(value))
		return cluster_config_fail(parser, line, "bad cluster name `%s`; use letters, "
		                           "digits, `.`, `_` and `-`", value);
	return cluster_config_parse_text(parser, line, key, value, field);
}

int
cluster_config_parse_duration(const char *text, int64_t *ms)
{
	static const struct {
		const char *suffix;
		int64_t ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60 * 1000 }, { "h", 3600 * 1000 },
		{ "d", 24 * 3600 * 1000 },
	};
	int64_t number = 0;
	const char *p = text;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		int digit = *p - '0';

		if (number > (INT64_MAX - digit) / 10)
			return -1;
		number = number * 10 + digit;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].suffix) != 0)
			continue;
		if (number > INT64_MAX / units[i].ms)
			return -1;
		*ms = number * units[i].ms;
		return 0;
	}
	return -1;
}

/* A period of time: a duration of more than 0. */
static int
cluster_config_parse_period(struct cluster_config_parser *parser, unsigned line,
                            const char *key, const char *value, void *field)
{
	int64_t ms;

	if (cluster_config_parse_duration(value, &ms) < 0)
		return cluster_config_fail(parser, line, "bad duration `%s` for %s; write a "
		                           "whole number and a unit: 500ms, 30s, 5m, 2h or 7d",
		                           value, key);
	if (ms == 0)
		return cluster_config_fail(parser, line, "%s must be more than 0; write e.g. 30s",
		                           key);
	*(int64_t *)field = ms;
	return 0;
}

/* The number of samples a group's status is evaluated over. */
static int
cluster_config_parse_window(struct cluster_config_parser *parser, unsigned line,
                            const char *key, const char *value, void *field)
{
	char *end;
	long samples;

	errno = 0;
	samples = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || samples < 2 ||
	    samples > CLUSTER_CONFIG_MAX_LAG_WINDOW)
		return cluster_config_fail(parser, line, "bad %s `%s`; write a number of samples "
		                           "from 2 to %d, e.g. 10", key, value,
		                           CLUSTER_CONFIG_MAX_LAG_WINDOW);
	*(size_t *)field = (size_t)samples;
	return 0;
}

/* Whether TEXT is HOST:PORT, HOST a name or IPv4 address, or [IPv6]:PORT. */
static int
cluster_config_is_listen(const char *text)
{
	char address[INET6_ADDRSTRLEN];
	unsigned char ipv6[16];
	const char *port;
	long number;
	char *end;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		size_t len = close != NULL ? (size_t)(close - text - 1) : 0;

		if (close == NULL || close[1] != ':' || len == 0 || len >= sizeof address)
			return 0;
		memcpy(address, text + 1, len);
		address[len] = '\0';
		if (inet_pton(AF_INET6, address, ipv6) != 1)
			return 0;
		port = close + 2;
	} else {
		size_t host = strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                           "0123456789.-");

		if (host == 0 || text[host] != ':')
			return 0;
		port = text + host + 1;
	}
	if (port[0] < '0' || port[0] > '9' || strlen(port) > 5)
		return 0;
	number = strtol(port, &end, 10);
	return *end == '\0' && number >= 1 && number <= 65535;
}

static int
cluster_config_parse_listen(struct cluster_config_parser *parser, unsigned line,
                            const char *key, const char *value, void *field)
{
	if (!cluster_config_is_listen(value))
		return cluster_config_fail(parser, line, "bad listen address `%s`; write "
		                           "HOST:PORT, e.g. 127.0.0.1:9308, 0.0.0.0:9308 or "
		                           "[::1]:9308", value);
	return cluster_config_parse_text(parser, line, key, value, field);
}

/* ARRAY of COUNT items of SIZE bytes with room for one more: ARRAY itself, or a larger
 * copy (*CAPACITY updated), or NULL when out of memory (ARRAY left as it was). */
static void *
cluster_config_grow(void *array, size_t *capacity, size_t count, size_t size)
{
	size_t more = *capacity > 0 ? 2 * *capacity : 16;
	void *grown;

	if (count < *capacity)
		return array;
	if ((grown = realloc(array, more * size)) != NULL)
		*capacity = more;
	return grown;
}

/* Add *KEY, set on LINE, to the config's list of keys, taking it; for a kafka.* key, add
 * its property and *VALUE, taking that too. Returns 0 or -1. */
static int
cluster_config_add(struct cluster_config_parser *parser, unsigned line, char **key,
                   const char *property, char **value)
{
	struct cluster_config *config = parser->config;
	struct cluster_config_key *keys = cluster_config_grow(config->keys,
		&parser->key_capacity, config->key_count, sizeof *keys);
	struct kclient_setting *kafka;

	if (keys == NULL)
		return cluster_config_fail(parser, line, "out of memory");
	config->keys = keys;
	keys[config->key_count++] = (struct cluster_config_key){ .key = *key, .line = line };
	*key = NULL;
	if (property == NULL)
		return 0;
	kafka = cluster_config_grow(config->kafka, &parser->kafka_capacity, config->kafka_count,
	                            sizeof *kafka);
	if (kafka == NULL)
		return cluster_config_fail(parser, line, "out of memory");
	config->kafka = kafka;
	kafka[config->kafka_count++] = (struct kclient_setting){ .key = property, .value = *value };
	*value = NULL;
	return 0;
}

/* The value of an @file: the contents of FILE less one trailing newline, in *VALUE
 * (replacing the reference). A secret's file must be private; a file for one of kfleet's
 * own settings (not MULTILINE: a librdkafka property, which may be a PEM) must hold one
 * line. Returns 0 or -1. */
static int
cluster_config_read_value(struct cluster_config_parser *parser, unsigned line,
                          const char *key, int secret, int multiline, char **value)
{
	const char *file = *value + 1;
	struct stat st;
	char *text;
	size_t len;
	mode_t mode;

	if (file[0] != '/')
		return cluster_config_fail(parser, line, "%s: @file needs an absolute path, "
		                           "e.g. @/etc/kfleet/secrets/NAME", key);
	/* Only regular files: opening a FIFO would block, opening a device may act. */
	if (stat(file, &st) < 0)
		return cluster_config_fail(parser, line, "cannot read %s for %s: %s", file, key,
		                           strerror(errno));
	if (!S_ISREG(st.st_mode))
		return cluster_config_fail(parser, line, "%s for %s is not a regular file", file,
		                           key);
	if (cluster_config_read_file(file, &text, &len, &mode) < 0)
		return cluster_config_fail(parser, line, "cannot read %s for %s: %s", file, key,
		                           cluster_config_strerror(errno));
	if (secret && (mode & (S_IRGRP | S_IROTH)) != 0) {
		free(text);
		return cluster_config_fail(parser, line, "secret file %s is readable by others; "
		                           "chmod 600 %s", file, file);
	}
	if (memchr(text, '\0', len) != NULL) {
		free(text);
		return cluster_config_fail(parser, line, "%s for %s holds a NUL byte; it must be "
		                           "text", file, key);
	}
	if (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (len > 0 && text[len - 1] == '\r')
		text[--len] = '\0';
	if (!multiline && strpbrk(text, "\r\n") != NULL) {
		free(text);
		return cluster_config_fail(parser, line, "%s for %s holds more than one line; %s "
		                           "takes a one-line value", file, key, key);
	}
	free(*value);
	*value = text;
	return 0;
}

/* The double-quoted value at *P (just past the opening quote) into OUT, which has room;
 * *P ends past the closing quote. Returns 0 or -1. */
static int
cluster_config_unquote(struct cluster_config_parser *parser, unsigned line, const char **p,
                       const char *end, char *out)
{
	const char *s = *p;

	while (s < end && *s != '"') {
		if (*s == '\\') {
			if (s + 1 == end || (s[1] != '"' && s[1] != '\\'))
				return cluster_config_fail(parser, line, "a backslash in quotes must "
				                           "be followed by \" or \\");
			s++;
		}
		*out++ = *s++;
	}
	if (s == end)
		return cluster_config_fail(parser, line, "unterminated quote; end the value "
		                           "with \"");
	*out = '\0';
	*p = s + 1;
	return 0;
}

/* Whether C is a blank: space or tab. */
static int
cluster_config_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Split the line [START, END) into *KEY and *VALUE (new strings; both NULL for a blank or
 * comment line); *QUOTED tells whether the value was quoted. Returns 0 or -1. */
static int
cluster_config_split(struct cluster_config_parser *parser, unsigned line, const char *start,
                     const char *end, char **key, char **value, int *quoted)
{
	const char *p = start, *equals, *key_end, *comment;

	*key = *value = NULL;
	*quoted = 0;
	while (p < end && cluster_config_is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	/* The first `=`, unless a comment (blank then #) comes first. */
	for (equals = p; equals < end && *equals != '='; equals++)
		if (*equals == '#' && cluster_config_is_blank(equals[-1]))
			break;
	if (equals == end || *equals != '=')
		return cluster_config_fail(parser, line, "no `=` in this line; write "
		                           "`key = value`");
	for (key_end = equals; key_end > p && cluster_config_is_blank(key_end[-1]); key_end--)
		;
	if (key_end == p)
		return cluster_config_fail(parser, line, "empty key before `=`; write "
		                           "`key = value`");
	if ((*key = strndup(p, (size_t)(key_end - p))) == NULL)
		return cluster_config_fail(parser, line, "out of memory");
	if (!cluster_config_is_name(*key))
		return cluster_config_fail(parser, line, "bad key: keys are made of letters, "
		                           "digits, `.`, `_` and `-`; valid keys: "
		                           CLUSTER_CONFIG_VALID_KEYS);

	for (p = equals + 1; p < end && cluster_config_is_blank(*p); p++)
		;
	if ((*value = malloc((size_t)(end - p) + 1)) == NULL)
		return cluster_config_fail(parser, line, "out of memory");
	if (p < end && *p == '"') {
		p++;
		if (cluster_config_unquote(parser, line, &p, end, *value) < 0)
			return -1;
		while (p < end && cluster_config_is_blank(*p))
			p++;
		if (p < end && *p != '#')
			return cluster_config_fail(parser, line, "text after the closing quote; "
			                           "start a comment with ` #`");
		*quoted = 1;
		return 0;
	}
	for (comment = p; comment < end; comment++)
		if (*comment == '#' && cluster_config_is_blank(comment[-1]))
			break;
	while (comment > p && cluster_config_is_blank(comment[-1]))
		comment--;
	memcpy(*value, p, (size_t)(comment - p));
	(*value)[comment - p] = '\0';
	return 0;
}

/* Parse one `key = value` line [START, END) into the config. Returns 0 or -1. */
static int
cluster_config_parse_line(struct cluster_config_parser *parser, unsigned line,
                          const char *start, const char *end)
{
	const struct cluster_config_field *field = NULL;
	const size_t prefix_len = strlen(CLUSTER_CONFIG_KAFKA_PREFIX);
	struct cluster_config *config = parser->config;
	char *key, *value;
	const char *property = NULL;
	int quoted, secret, status = -1;

	if (end > start && end[-1] == '\r')
		end--;
	if (cluster_config_split(parser, line, start, end, &key, &value, &quoted) < 0)
		goto out;
	if (key == NULL)
		return 0;

	if (strncmp(key, CLUSTER_CONFIG_KAFKA_PREFIX, prefix_len) == 0) {
		property = key + prefix_len;
		if (property[0] == '\0') {
			cluster_config_fail(parser, line, "`kafka.` needs a librdkafka property "
			                    "name, e.g. kafka.bootstrap.servers");
			goto out;
		}
		secret = kclient_setting_is_secret(property);
	} else {
		for (size_t i = 0; i < sizeof cluster_config_fields / sizeof *cluster_config_fields; i++)
			if (strcmp(key, cluster_config_fields[i].key) == 0)
				field = &cluster_config_fields[i];
		if (field == NULL) {
			cluster_config_fail(parser, line, "unknown key `%s`; valid keys: "
			                    CLUSTER_CONFIG_VALID_KEYS, key);
			goto out;
		}
		secret = field->secret || kclient_setting_is_secret(key);
	}
	for (size_t i = 0; i < config->key_count; i++) {
		if (strcmp(config->keys[i].key, key) == 0) {
			cluster_config_fail(parser, line, "duplicate key `%s` (first set on line "
			                    "%u); keep one", key, config->keys[i].line);
			goto out;
		}
	}
	if (!quoted && value[0] == '@' &&
	    cluster_config_read_value(parser, line, key, secret, property != NULL, &value) < 0)
		goto out;
	if (value[0] == '\0') {
		cluster_config_fail(parser, line, "%s has an empty value; give one or remove "
		                    "the line", key);
		goto out;
	}
	if (field != NULL &&
	    field->parse(parser, line, key, value, (char *)config + field->offset) < 0)
		goto out;
	/* The kafka setting's name points into the key, which the config's list owns. */
	if (cluster_config_add(parser, line, &key, property, &value) < 0)
		goto out;
	status = 0;
out:
	free(key);
	free(value);
	return status;
}

/* The setting of the librdkafka property PROPERTY, or NULL. */
static const struct kclient_setting *
cluster_config_kafka(const struct cluster_config *config, const char *property)
{
	for (size_t i = 0; i < config->kafka_count; i++)
		if (strcmp(config->kafka[i].key, property) == 0)
			return &config->kafka[i];
	return NULL;
}

/* What the file must hold as a whole: a cluster, brokers, and settings librdkafka takes. */
static int
cluster_config_check(struct cluster_config_parser *parser)
{
	struct cluster_config *config = parser->config;
	rd_kafka_conf_t *conf;
	char *message;

	if (config->cluster == NULL)
		return cluster_config_fail(parser, 0, "no `cluster = NAME` line; add one, e.g. "
		                           "`cluster = prod-eu`");
	if (cluster_config_kafka(config, "bootstrap.servers") == NULL)
		return cluster_config_fail(parser, 0, "no `kafka.bootstrap.servers` line; add "
		                           "one listing brokers, e.g. "
		                           "`kafka.bootstrap.servers = b1:9092,b2:9092`");
	conf = kclient_conf_new(config->kafka, config->kafka_count, &message);
	if (conf != NULL) {
		rd_kafka_conf_destroy(conf);
		return 0;
	}
	/* kclient names the setting at fault as "kafka.KEY: ...": find its line. */
	for (size_t i = 0; message != NULL && i < config->key_count; i++) {
		const char *key = config->keys[i].key;
		size_t len = strlen(key);

		if (strncmp(message, key, len) == 0 && message[len] == ':')
			return cluster_config_fail_with(parser, config->keys[i].line, message);
	}
	return cluster_config_fail_with(parser, 0, message);
}

struct cluster_config *
cluster_config_parse(const char *text, size_t len, const char *path, char **err)
{
	struct cluster_config_parser parser = { .path = path };
	const char *end = text + len, *start = text, *nul;
	unsigned line = 0;

	*err = NULL;
	if (len > CLUSTER_CONFIG_MAX_BYTES)
		cluster_config_fail(&parser, 0, "larger than 1 MiB; a cluster config is a few "
		                    "lines");
	else if ((parser.config = calloc(1, sizeof *parser.config)) == NULL ||
	         (parser.config->path = strdup(path)) == NULL)
		cluster_config_fail(&parser, 0, "out of memory");
	else {
		parser.config->interval_ms = CLUSTER_CONFIG_DEFAULT_INTERVAL_MS;
		parser.config->history_ms = CLUSTER_CONFIG_DEFAULT_HISTORY_MS;
		parser.config->lag_window = CLUSTER_CONFIG_DEFAULT_LAG_WINDOW;
		parser.config->lag_stopped_after_ms = CLUSTER_CONFIG_DEFAULT_LAG_STOPPED_AFTER_MS;
	}
	if (!parser.failed && (nul = memchr(text, '\0', len)) != NULL) {
		/* Strings end at a NUL: a value cut there would be read wrong, silently. */
		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		cluster_config_fail(&parser, line + 1, "NUL byte in this line; a config is a "
		                    "text file");
	}
	while (!parser.failed && start < end) {
		const char *newline = memchr(start, '\n', (size_t)(end - start));
		const char *line_end = newline != NULL ? newline : end;

		if (cluster_config_parse_line(&parser, ++line, start, line_end) < 0)
			break;
		start = line_end + (newline != NULL);
	}
	if (!parser.failed && parser.config->listen == NULL &&
	    (parser.config->listen = strdup(CLUSTER_CONFIG_DEFAULT_LISTEN)) == NULL)
		cluster_config_fail(&parser, 0, "out of memory");
	if (!parser.failed)
		cluster_config_check(&parser);
	if (parser.failed) {
		cluster_config_free(parser.config);
		*err = parser.err;
		return NULL;
	}
	return parser.config;
}

struct cluster_config *
cluster_config_load(const char *path, char **err)
{
	struct cluster_config *config;
	char *text;
	size_t len;
	mode_t mode;

	*err = NULL;
	if (cluster_config_read_file(path, &text, &len, &mode) < 0) {
		if (asprintf(err, "%s: %s; expected a cluster's config file, see kfleet-agent(8), "
		             "CONFIGURATION", path, cluster_config_strerror(errno)) < 0)
			*err = NULL;
		return NULL;
	}
	config = cluster_config_parse(text, len, path, err);
	free(text);
	return config;
}

void
cluster_config_free(struct cluster_config *config)
{
	if (config == NULL)
		return;
	free(config->path);
	free(config->cluster);
	free(config->catalog);
	free(config->listen);
	free(config->http_token);
	/* The values are the config's own; the names belong to its keys. */
	for (size_t i = 0; i < config->kafka_count; i++)
		free((char *)config->kafka[i].value);
	free(config->kafka);
	for (size_t i = 0; i < config->key_count; i++)
		free(config->keys[i].key);
	free(config->keys);
	free(config);
}

unsigned
cluster_config_line(const struct cluster_config *config, const char *key)
{
	for (size_t i = 0; i < config->key_count; i++)
		if (strcmp(config->keys[i].key, key) == 0)
			return config->keys[i].line;
	return 0;
}

char *
cluster_config_find(const char *name, char **err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	int use_xdg = xdg != NULL && xdg[0] != '\0';
	/* A place is a base directory (skipped when unset or empty) and a folder in it. */
	const struct {
		const char *base;
		const char *folder;
	} places[] = {
		{ getenv("KFLEET_CONFIG_DIR"), "" },
		{ use_xdg ? xdg : getenv("HOME"),
		  use_xdg ? "/kfleet/clusters" : "/.config/kfleet/clusters" },
		{ CLUSTER_CONFIG_SYSTEM_DIR, "" },
	};
	char *looked = NULL, *found = NULL;
	size_t looked_size = 0;
	FILE *looked_at;

	*err = NULL;
	if (!cluster_config_is_name(name)) {
		if (asprintf(err, "bad cluster name `%s`; use letters, digits, `.`, `_` and `-`",
		             name) < 0)
			*err = NULL;
		return NULL;
	}
	if ((looked_at = open_memstream(&looked, &looked_size)) == NULL) {
		*err = strdup("out of memory");
		return NULL;
	}
	for (size_t i = 0; i < sizeof places / sizeof places[0] && found == NULL; i++) {
		struct stat st;
		char *path;

		if (places[i].base == NULL || places[i].base[0] == '\0')
			continue;
		if (asprintf(&path, "%s%s/%s.conf", places[i].base, places[i].folder, name) < 0)
			break;
		if (stat(path, &st) == 0) {
			found = path;
		} else {
			fprintf(looked_at, "%s%s", looked_size > 0 ? ", " : "", path);
			fflush(looked_at);
			free(path);
		}
	}
	fclose(looked_at);
	if (found == NULL &&
	    asprintf(err, "no config file for cluster %s: looked at %s; create one or pass "
	             "--config FILE", name, looked) < 0)
		*err = NULL;
	free(looked);
	return found;
}
