/* Unit tests for kafka/cluster_config: the file format, every error with its exact
 * message, @file secrets, durations and where a cluster's file is looked for. Each test
 * works in a private temporary directory; "{dir}" in the tables below stands for it and
 * "{path}" for the config file written there. */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kfleet/cluster_config.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

/* The first lines of a config that loads. */
#define REQUIRED "cluster = c\nkafka.bootstrap.servers = b:9092\n"

/* A file a case needs beside its config. */
struct test_file {
	const char *name;            /* under {dir}; NULL ends the list */
	const char *text;
	mode_t mode;
};

/* PATTERN with "{dir}" replaced by DIR and "{path}" by PATH (caller frees). */
static char *
expand(const char *pattern, const char *dir, const char *path)
{
	char *out = NULL;
	size_t size = 0;
	FILE *stream = open_memstream(&out, &size);

	assert_non_null(stream);
	while (*pattern != '\0') {
		if (strncmp(pattern, "{dir}", 5) == 0) {
			fputs(dir, stream);
			pattern += 5;
		} else if (strncmp(pattern, "{path}", 6) == 0) {
			fputs(path, stream);
			pattern += 6;
		} else {
			fputc(*pattern++, stream);
		}
	}
	assert_int_equal(fclose(stream), 0);
	return out;
}

/* Create DIR/NAME, and the directories on the way, holding LEN bytes of TEXT with MODE. */
static void
write_file(const char *dir, const char *name, const char *text, size_t len, mode_t mode)
{
	char *path = expand("{dir}/{path}", dir, name);
	FILE *file;

	for (char *slash = strchr(path + strlen(dir) + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*slash = '/';
	}
	file = fopen(path, "w");
	if (file == NULL)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	assert_int_equal(fwrite(text, 1, len, file), len);
	assert_int_equal(fclose(file), 0);
	assert_int_equal(chmod(path, mode), 0);
	free(path);
}

/* Write FILES, with "{dir}" in their text expanded. */
static void
write_files(const char *dir, const struct test_file *files)
{
	for (; files != NULL && files->name != NULL; files++) {
		char *text = expand(files->text, dir, "");

		write_file(dir, files->name, text, strlen(text), files->mode);
		free(text);
	}
}

static int
remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* A private temporary directory, removed with all in it by teardown. */
static int
setup_dir(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL;

	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	if (asprintf(&dir, "%s/kfleet-config-XXXXXX", tmp) < 0 || mkdtemp(dir) == NULL)
		return -1;
	*state = dir;
	return 0;
}

static int
teardown_dir(void **state)
{
	nftw(*state, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}

/* Write TEXT (LEN bytes, with "{dir}" expanded) as {dir}/test.conf and load it. */
static struct cluster_config *
load_text(const char *dir, const char *text, size_t len, char **path, char **err)
{
	char *expanded;

	*path = expand("{dir}/test.conf", dir, "");
	if (memchr(text, '\0', len) == NULL) {
		expanded = expand(text, dir, *path);
		write_file(dir, "test.conf", expanded, strlen(expanded), 0600);
		free(expanded);
	} else {
		write_file(dir, "test.conf", text, len, 0600);
	}
	return cluster_config_load(*path, err);
}

/* Write FILES, then load TEXT as load_text does, which must succeed with no error. */
static struct cluster_config *
load_valid(const char *dir, const struct test_file *files, const char *text, char **path)
{
	char *err = NULL;
	struct cluster_config *config;

	write_files(dir, files);
	config = load_text(dir, text, strlen(text), path, &err);
	if (config == NULL)
		fail_msg("%s", err);
	assert_null(err);
	return config;
}

static void
test_every_key(void **state)
{
	static const struct test_file files[] = {
		{ "token", "t0ken\n", 0600 },
		{ "password", "pa ss#word\r\n", 0400 },
		{ "client-id", "kfleet-unit", 0644 },   /* not a secret: may be readable */
		{ NULL, NULL, 0 },
	};
	static const char text[] =
		"# prod cluster, all keys\n"
		"cluster  = prod-eu.1_a               # name used everywhere\n"
		"  catalog  = \"/var/lib/kfleet/cat #1.db \"\n"
		"interval = 500ms\n"
		"\n"
		"listen   = [::1]:9400\n"
		"history\t=\t2h\t# kept\n"
		"http.token = @{dir}/token\n"
		"   # indented comment\n"
		"kafka.bootstrap.servers = b1:9092,b2:9092\n"
		"kafka.security.protocol = SASL_SSL   # every kafka.* key goes to librdkafka\n"
		"kafka.sasl.mechanism    = SCRAM-SHA-512\n"
		"kafka.sasl.username     = kfleet\n"
		"kafka.sasl.password     = @{dir}/password\n"
		"kafka.client.id = @{dir}/client-id\n"
		"lag.window = 20\n"
		"lag.stopped_after = 15m";
	static const struct kclient_setting kafka[] = {
		{ "bootstrap.servers", "b1:9092,b2:9092" },
		{ "security.protocol", "SASL_SSL" },
		{ "sasl.mechanism", "SCRAM-SHA-512" },
		{ "sasl.username", "kfleet" },
		{ "sasl.password", "pa ss#word" },
		{ "client.id", "kfleet-unit" },
	};
	static const struct cluster_config_key lines[] = {
		{ "cluster", 2 }, { "catalog", 3 }, { "interval", 4 }, { "listen", 6 },
		{ "history", 7 }, { "http.token", 8 }, { "kafka.bootstrap.servers", 10 },
		{ "kafka.sasl.password", 14 }, { "kafka.client.id", 15 },
		{ "kafka.acks", 0 }, { "nothing", 0 },
	};
	char *path;
	struct cluster_config *config = load_valid(*state, files, text, &path);

	assert_string_equal(config->path, path);
	assert_string_equal(config->cluster, "prod-eu.1_a");
	assert_string_equal(config->catalog, "/var/lib/kfleet/cat #1.db ");
	assert_int_equal(config->interval_ms, 500);
	assert_string_equal(config->listen, "[::1]:9400");
	assert_int_equal(config->history_ms, 2 * 3600 * 1000);
	assert_string_equal(config->http_token, "t0ken");
	assert_int_equal(config->kafka_count, COUNT(kafka));
	for (size_t i = 0; i < COUNT(kafka); i++) {
		assert_string_equal(config->kafka[i].key, kafka[i].key);
		assert_string_equal(config->kafka[i].value, kafka[i].value);
	}
	assert_int_equal(config->lag_window, 20);
	assert_int_equal(config->lag_stopped_after_ms, 15 * 60 * 1000);
	assert_int_equal(config->key_count, 14);
	for (size_t i = 0; i < COUNT(lines); i++)
		if (cluster_config_line(config, lines[i].key) != lines[i].line)
			fail_msg("%s: line %u, expected %u", lines[i].key,
			         cluster_config_line(config, lines[i].key), lines[i].line);
	cluster_config_free(config);
	free(path);
}

static void
test_defaults(void **state)
{
	char *path, *err = NULL;
	struct cluster_config *config = load_text(*state, REQUIRED, strlen(REQUIRED), &path, &err);

	assert_non_null(config);
	assert_string_equal(config->cluster, "c");
	assert_null(config->catalog);
	assert_int_equal(config->interval_ms, 30 * 1000);
	assert_int_equal(config->history_ms, INT64_C(7) * 24 * 3600 * 1000);
	assert_int_equal(config->lag_window, 10);
	assert_int_equal(config->lag_stopped_after_ms, 10 * 60 * 1000);
	assert_string_equal(config->listen, "127.0.0.1:9308");
	assert_null(config->http_token);
	assert_int_equal(config->kafka_count, 1);
	assert_int_equal(cluster_config_line(config, "listen"), 0);
	cluster_config_free(config);
	free(path);
}

struct value_case {
	const char *line;            /* sets catalog */
	const char *value;
};

static const struct value_case value_cases[] = {
	{ "catalog = /a/b  # comment", "/a/b" },
	{ "catalog = /a#b", "/a#b" },
	{ "catalog=/a", "/a" },
	{ "catalog = a = b", "a = b" },
	{ "\tcatalog\t=\tx y\t", "x y" },
	{ "catalog = x\r", "x" },
	{ "catalog = \"/a #b \"", "/a #b " },
	{ "catalog = \"q\\\"uo\\\\te\"  # c", "q\"uo\\te" },
	{ "catalog=\"x\"# c", "x" },
	{ "catalog = \"@literal\"", "@literal" },   /* a quoted @ is not a file */
	{ "catalog = \"=\"", "=" },
};

static void
test_values(void **state)
{
	for (size_t i = 0; i < COUNT(value_cases); i++) {
		char *text = NULL, *path, *err = NULL;
		struct cluster_config *config;

		assert_true(asprintf(&text, REQUIRED "%s\n", value_cases[i].line) > 0);
		config = load_text(*state, text, strlen(text), &path, &err);
		if (config == NULL)
			fail_msg("%s: %s", value_cases[i].line, err);
		if (strcmp(config->catalog, value_cases[i].value) != 0)
			fail_msg("%s: got \"%s\", expected \"%s\"", value_cases[i].line,
			         config->catalog, value_cases[i].value);
		cluster_config_free(config);
		free(path);
		free(text);
	}
}

struct error_case {
	const char *name;
	const char *text;            /* the config; "{dir}" expanded unless it holds a NUL */
	size_t len;                  /* of TEXT when it holds a NUL, else 0 */
	struct test_file files[2];
	const char *message;         /* exactly */
	const char *secret;          /* must not appear in the message, or NULL */
};

#define VALID_KEYS "valid keys: cluster, catalog, interval, history, lag.window, " \
	"lag.stopped_after, listen, http.token, " \
	"and kafka.* for librdkafka properties"

static const struct error_case error_cases[] = {
	{ .name = "unknown key", .text = REQUIRED "intervall = 5s\n",
	  .message = "{path}:3: unknown key `intervall`; " VALID_KEYS },
	{ .name = "line without =", .text = "cluster c\n",
	  .message = "{path}:1: no `=` in this line; write `key = value`" },
	{ .name = "= only in a comment", .text = "cluster # = c\n",
	  .message = "{path}:1: no `=` in this line; write `key = value`" },
	{ .name = "empty key", .text = "\n = c\n",
	  .message = "{path}:2: empty key before `=`; write `key = value`" },
	{ .name = "key with a space", .text = "my key = 1\n",
	  .message = "{path}:1: bad key: keys are made of letters, digits, `.`, `_` and `-`; "
	             VALID_KEYS },
	{ .name = "duplicate key", .text = "cluster = a\n# again\ncluster = b\n",
	  .message = "{path}:3: duplicate key `cluster` (first set on line 1); keep one" },
	{ .name = "duplicate kafka key", .text = REQUIRED "kafka.acks = 1\nkafka.acks = all\n",
	  .message = "{path}:4: duplicate key `kafka.acks` (first set on line 3); keep one" },
	{ .name = "lag window too small", .text = REQUIRED "lag.window = 1\n",
	  .message = "{path}:3: bad lag.window `1`; write a number of samples from 2 to 1000, "
	             "e.g. 10" },
	{ .name = "lag window not a number", .text = REQUIRED "lag.window = ten\n",
	  .message = "{path}:3: bad lag.window `ten`; write a number of samples from 2 to 1000, "
	             "e.g. 10" },
	{ .name = "stopped_after without unit", .text = REQUIRED "lag.stopped_after = 600\n",
	  .message = "{path}:3: bad duration `600` for lag.stopped_after; write a whole number "
	             "and a unit: 500ms, 30s, 5m, 2h or 7d" },
	{ .name = "bare number", .text = REQUIRED "interval = 30\n",
	  .message = "{path}:3: bad duration `30` for interval; write a whole number and a "
	             "unit: 500ms, 30s, 5m, 2h or 7d" },
	{ .name = "zero history", .text = REQUIRED "history = 0d\n",
	  .message = "{path}:3: history must be more than 0; write e.g. 30s" },
	{ .name = "bad listen", .text = REQUIRED "listen = 9308\n",
	  .message = "{path}:3: bad listen address `9308`; write HOST:PORT, e.g. "
	             "127.0.0.1:9308, 0.0.0.0:9308 or [::1]:9308" },
	{ .name = "no cluster", .text = "# nothing\nkafka.bootstrap.servers = b:9092\n",
	  .message = "{path}: no `cluster = NAME` line; add one, e.g. `cluster = prod-eu`" },
	{ .name = "empty file", .text = "",
	  .message = "{path}: no `cluster = NAME` line; add one, e.g. `cluster = prod-eu`" },
	{ .name = "bad cluster name", .text = "cluster = prod/eu\n",
	  .message = "{path}:1: bad cluster name `prod/eu`; use letters, digits, `.`, `_` "
	             "and `-`" },
	{ .name = "unterminated quote", .text = REQUIRED "catalog = \"/a # b\n",
	  .message = "{path}:3: unterminated quote; end the value with \"" },
	{ .name = "text after a quote", .text = REQUIRED "catalog = \"/a\" b\n",
	  .message = "{path}:3: text after the closing quote; start a comment with ` #`" },
	{ .name = "unknown escape", .text = REQUIRED "catalog = \"a\\n\"\n",
	  .message = "{path}:3: a backslash in quotes must be followed by \" or \\" },
	{ .name = "no brokers", .text = "cluster = c\n",
	  .message = "{path}: no `kafka.bootstrap.servers` line; add one listing brokers, "
	             "e.g. `kafka.bootstrap.servers = b1:9092,b2:9092`" },
	{ .name = "empty value", .text = REQUIRED "catalog =   # later\n",
	  .message = "{path}:3: catalog has an empty value; give one or remove the line" },
	{ .name = "empty quoted value", .text = REQUIRED "kafka.client.id = \"\"\n",
	  .message = "{path}:3: kafka.client.id has an empty value; give one or remove the "
	             "line" },
	{ .name = "kafka. alone", .text = REQUIRED "kafka. = 1\n",
	  .message = "{path}:3: `kafka.` needs a librdkafka property name, e.g. "
	             "kafka.bootstrap.servers" },
	{ .name = "librdkafka refuses a value", .text = REQUIRED "kafka.acks = several\n",
	  .message = "{path}:3: kafka.acks: Invalid value for configuration property "
	             "\"request.required.acks\"" },
	{ .name = "librdkafka knows no such property",
	  .text = REQUIRED "kafka.no.such = 1\n",
	  .message = "{path}:3: kafka.no.such: No such configuration property: \"no.such\"" },
	{ .name = "librdkafka refuses a secret",
	  .text = REQUIRED "kafka.ssl.key.password.bogus = hunter2\n",
	  .message = "{path}:3: kafka.ssl.key.password.bogus: librdkafka refused this setting's "
	             "value (value not shown: it is a secret)", .secret = "hunter2" },
	{ .name = "secret file readable by group",
	  .text = REQUIRED "kafka.sasl.password = @{dir}/pw\n",
	  .files = { { "pw", "hunter2\n", 0640 } },
	  .message = "{path}:3: secret file {dir}/pw is readable by others; chmod 600 {dir}/pw",
	  .secret = "hunter2" },
	{ .name = "token file readable by others", .text = REQUIRED "http.token = @{dir}/tok\n",
	  .files = { { "tok", "hunter2", 0604 } },
	  .message = "{path}:3: secret file {dir}/tok is readable by others; chmod 600 {dir}/tok",
	  .secret = "hunter2" },
	{ .name = "relative @file", .text = REQUIRED "kafka.sasl.password = @pw\n",
	  .message = "{path}:3: kafka.sasl.password: @file needs an absolute path, e.g. "
	             "@/etc/kfleet/secrets/NAME" },
	{ .name = "missing @file", .text = REQUIRED "kafka.sasl.password = @{dir}/none\n",
	  .message = "{path}:3: cannot read {dir}/none for kafka.sasl.password: No such file "
	             "or directory" },
	{ .name = "@file not a file", .text = REQUIRED "catalog = @{dir}\n",
	  .message = "{path}:3: {dir} for catalog is not a regular file" },
	{ .name = "empty @file", .text = REQUIRED "http.token = @{dir}/tok\n",
	  .files = { { "tok", "\n", 0600 } },
	  .message = "{path}:3: http.token has an empty value; give one or remove the line" },
	{ .name = "@file of two lines for a kfleet setting",
	  .text = REQUIRED "interval = @{dir}/interval\n",
	  .files = { { "interval", "30s\n1m\n", 0644 } },
	  .message = "{path}:3: {dir}/interval for interval holds more than one line; interval "
	             "takes a one-line value" },
	{ .name = "@file of two lines for the cluster",
	  .text = "cluster = @{dir}/name\n",
	  .files = { { "name", "prod\r\neu\r\n", 0644 } },
	  .message = "{path}:1: {dir}/name for cluster holds more than one line; cluster takes "
	             "a one-line value" },
	{ .name = "a carriage return inside a value", .text = "cluster = pr\rod\n",
	  .message = "{path}:1: bad cluster name `pr od`; use letters, digits, `.`, `_` and "
	             "`-`" },
	{ .name = "NUL byte", .text = REQUIRED "catalog = a\0b\n",
	  .len = sizeof REQUIRED "catalog = a\0b\n" - 1,
	  .message = "{path}:3: NUL byte in this line; a config is a text file" },
};

static void
test_errors(void **state)
{
	for (size_t i = 0; i < COUNT(error_cases); i++) {
		const struct error_case *c = &error_cases[i];
		size_t len = c->len > 0 ? c->len : strlen(c->text);
		char *path, *err = NULL, *message;
		struct cluster_config *config;

		write_files(*state, c->files);
		config = load_text(*state, c->text, len, &path, &err);
		message = expand(c->message, *state, path);
		if (config != NULL)
			fail_msg("%s: loaded", c->name);
		assert_non_null(err);
		if (strcmp(err, message) != 0)
			fail_msg("%s:\n got      %s\n expected %s", c->name, err, message);
		if (c->secret != NULL && strstr(err, c->secret) != NULL)
			fail_msg("%s: the message shows the secret", c->name);
		free(message);
		free(err);
		free(path);
	}
}

/* A librdkafka property's @file may hold several lines, as a PEM does: kept whole. */
static void
test_multiline_kafka_file(void **state)
{
	static const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
	static const struct test_file files[] = {
		{ "ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", 0600 },
		{ NULL, NULL, 0 },
	};
	static const char text[] = REQUIRED "kafka.ssl.ca.pem = @{dir}/ca.pem\n";
	char *path;
	struct cluster_config *config = load_valid(*state, files, text, &path);

	assert_int_equal(config->kafka_count, 2);
	assert_string_equal(config->kafka[1].key, "ssl.ca.pem");
	assert_string_equal(config->kafka[1].value, pem);
	cluster_config_free(config);
	free(path);
}

static void
test_unreadable(void **state)
{
	char *path = expand("{dir}/none.conf", *state, ""), *err = NULL, *message;

	assert_null(cluster_config_load(path, &err));
	message = expand("{path}: No such file or directory; expected a cluster's config file, "
	                 "see kfleet-agent(8), CONFIGURATION", *state, path);
	assert_string_equal(err, message);
	free(message);
	free(err);
	free(path);
}

/* A config or an @file over 1 MiB is refused, not read into memory. */
static void
test_too_large(void **state)
{
	static const char file_text[] = REQUIRED "catalog = @{dir}/big\n";
	size_t size = 1024 * 1024 + 1;
	char *big = malloc(size), *path, *err = NULL, *message;

	assert_non_null(big);
	memset(big, '#', size);
	write_file(*state, "big", big, size, 0600);
	free(big);
	path = expand("{dir}/big", *state, "");
	assert_null(cluster_config_load(path, &err));
	message = expand("{path}: larger than 1 MiB; expected a cluster's config file, see "
	                 "kfleet-agent(8), CONFIGURATION", *state, path);
	assert_string_equal(err, message);
	free(message);
	free(err);
	free(path);

	assert_null(load_text(*state, file_text, strlen(file_text), &path, &err));
	message = expand("{path}:3: cannot read {dir}/big for catalog: larger than 1 MiB",
	                 *state, path);
	assert_string_equal(err, message);
	free(message);
	free(err);
	free(path);
}

struct listen_case {
	const char *listen;
	int valid;
};

static const struct listen_case listen_cases[] = {
	{ "127.0.0.1:9308", 1 }, { "0.0.0.0:1", 1 }, { "localhost:65535", 1 },
	{ "[::1]:9308", 1 }, { "[::]:80", 1 }, { "[2001:db8::7]:9308", 1 },
	{ "9308", 0 }, { ":9308", 0 }, { "host:", 0 }, { "host:0", 0 }, { "host:65536", 0 },
	{ "host:9308x", 0 }, { "host:+80", 0 }, { "::1:9308", 0 }, { "[::1]9308", 0 },
	{ "[::1]", 0 }, { "[]:80", 0 }, { "[zz::1]:80", 0 }, { "[127.0.0.1]:80", 0 },
	{ "*:9308", 0 }, { "host:000009308", 0 },
};

static void
test_listen(void **state)
{
	for (size_t i = 0; i < COUNT(listen_cases); i++) {
		char *text = NULL, *path, *err = NULL;
		struct cluster_config *config;

		assert_true(asprintf(&text, REQUIRED "listen = %s\n", listen_cases[i].listen) > 0);
		config = load_text(*state, text, strlen(text), &path, &err);
		if ((config != NULL) != listen_cases[i].valid)
			fail_msg("%s: expected %s", listen_cases[i].listen,
			         listen_cases[i].valid ? "valid" : "an error");
		if (config != NULL)
			assert_string_equal(config->listen, listen_cases[i].listen);
		cluster_config_free(config);
		free(err);
		free(path);
		free(text);
	}
}

struct duration_case {
	const char *text;
	int64_t ms;                  /* -1: an error */
};

static const struct duration_case duration_cases[] = {
	{ "500ms", 500 }, { "30s", 30000 }, { "5m", 300000 }, { "2h", 7200000 },
	{ "7d", 604800000 }, { "0s", 0 }, { "007s", 7000 },
	{ "9223372036854775807ms", INT64_MAX }, { "106751991167d", INT64_C(9223372036828800000) },
	{ "30", -1 }, { "", -1 }, { "s", -1 }, { "-1s", -1 }, { "+1s", -1 }, { "1.5h", -1 },
	{ " 1s", -1 }, { "1s ", -1 }, { "1S", -1 }, { "1sec", -1 }, { "1h30m", -1 },
	{ "1 s", -1 }, { "9223372036854775808ms", -1 }, { "106751991168d", -1 },
};

static void
test_durations(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(duration_cases); i++) {
		int64_t ms = -1;
		int rc = cluster_config_parse_duration(duration_cases[i].text, &ms);

		if (duration_cases[i].ms < 0 ? rc != -1 : rc != 0 || ms != duration_cases[i].ms)
			fail_msg("\"%s\": rc %d, %lld ms", duration_cases[i].text, rc, (long long)ms);
	}
}

struct find_case {
	const char *name;
	const char *config_dir;      /* $KFLEET_CONFIG_DIR, or NULL: unset */
	const char *xdg;             /* $XDG_CONFIG_HOME, or NULL: unset */
	const char *home;            /* $HOME, or NULL: unset */
	const char *found;           /* the path, or NULL */
	const char *error;           /* the message when nothing is found */
};

/* Files the cases find; "kfleet-test-none" is nowhere. */
static const struct test_file find_files[] = {
	{ "env/both.conf", REQUIRED, 0600 },
	{ "home/.config/kfleet/clusters/both.conf", REQUIRED, 0600 },
	{ "home/.config/kfleet/clusters/home.conf", REQUIRED, 0600 },
	{ "xdg/kfleet/clusters/both.conf", REQUIRED, 0600 },
	{ NULL, NULL, 0 },
};

static const struct find_case find_cases[] = {
	{ "both", "{dir}/env", NULL, "{dir}/home", "{dir}/env/both.conf", NULL },
	{ "home", "{dir}/env", NULL, "{dir}/home", "{dir}/home/.config/kfleet/clusters/home.conf",
	  NULL },
	{ "both", NULL, NULL, "{dir}/home", "{dir}/home/.config/kfleet/clusters/both.conf",
	  NULL },
	{ "both", "", "", "{dir}/home", "{dir}/home/.config/kfleet/clusters/both.conf", NULL },
	{ "both", NULL, "{dir}/xdg", "{dir}/home", "{dir}/xdg/kfleet/clusters/both.conf", NULL },
	{ "home", NULL, "{dir}/xdg", "{dir}/home", NULL,
	  "no config file for cluster home: looked at {dir}/xdg/kfleet/clusters/home.conf, "
	  "/etc/kfleet/clusters/home.conf; create one or pass --config FILE" },
	{ "kfleet-test-none", "{dir}/env", NULL, "{dir}/home", NULL,
	  "no config file for cluster kfleet-test-none: looked at "
	  "{dir}/env/kfleet-test-none.conf, "
	  "{dir}/home/.config/kfleet/clusters/kfleet-test-none.conf, "
	  "/etc/kfleet/clusters/kfleet-test-none.conf; create one or pass --config FILE" },
	{ "kfleet-test-none", NULL, NULL, NULL, NULL,
	  "no config file for cluster kfleet-test-none: looked at "
	  "/etc/kfleet/clusters/kfleet-test-none.conf; create one or pass --config FILE" },
	{ "../both", "{dir}/env", NULL, "{dir}/home", NULL,
	  "bad cluster name `../both`; use letters, digits, `.`, `_` and `-`" },
};

/* Set the environment variable NAME to PATTERN expanded, or unset it for NULL. */
static void
set_env(const char *name, const char *pattern, const char *dir)
{
	char *value;

	if (pattern == NULL) {
		unsetenv(name);
		return;
	}
	value = expand(pattern, dir, "");
	setenv(name, value, 1);
	free(value);
}

static void
test_find(void **state)
{
	write_files(*state, find_files);
	for (size_t i = 0; i < COUNT(find_cases); i++) {
		const struct find_case *c = &find_cases[i];
		char *err = NULL, *found;

		set_env("KFLEET_CONFIG_DIR", c->config_dir, *state);
		set_env("XDG_CONFIG_HOME", c->xdg, *state);
		set_env("HOME", c->home, *state);
		found = cluster_config_find(c->name, &err);
		if (c->found != NULL) {
			char *expected = expand(c->found, *state, "");

			if (found == NULL || strcmp(found, expected) != 0)
				fail_msg("case %zu: found %s (%s), expected %s", i, found, err, expected);
			assert_null(err);
			free(expected);
		} else {
			char *expected = expand(c->error, *state, "");

			assert_null(found);
			if (err == NULL || strcmp(err, expected) != 0)
				fail_msg("case %zu:\n got      %s\n expected %s", i, err, expected);
			free(expected);
		}
		free(found);
		free(err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_key, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_defaults, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_values, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_errors, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_multiline_kafka_file, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_unreadable, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_too_large, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_listen, setup_dir, teardown_dir),
		cmocka_unit_test(test_durations),
		cmocka_unit_test_setup_teardown(test_find, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests_name("cluster_config", tests, NULL, NULL);
}
